"""Reading `docker save` archives: a hand-made one, and one the engine writes."""

import hashlib
import io
import json
import subprocess
import tarfile

import pytest

from workbook.archive import layer_files, read_image_archive
from workbook.build import build_image
from workbook.cleanup import remove_labelled
from workbook.engine import connect
from workbook.errors import WorkbookError

NAME = "test-archive"


def _add(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def _layer(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as layer:
        for name, data in files.items():
            _add(layer, name, data)
    return buffer.getvalue()


def test_hand_made_archive(tmp_path):
    layer = _layer({"app/run.py": b"print('hi')\n"})
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = json.dumps({"config": {"User": "10001"}, "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": ["t:1"], "Layers": ["abc/layer.tar"]}]
    path = tmp_path / "image.tar"
    with tarfile.open(path, "w") as archive:
        _add(archive, "manifest.json", json.dumps(manifest).encode())
        _add(archive, config_name, config)
        _add(archive, "abc/layer.tar", layer)
    image = read_image_archive(path)
    assert image.image_id == "sha256:" + config_name[:-5]
    assert [layer.diff_id for layer in image.layers] == [diff_id]
    assert image.config["config"]["User"] == "10001"
    assert layer_files(path, "abc/layer.tar") == ["app/run.py"]


def test_not_an_archive_of_an_image(tmp_path):
    path = tmp_path / "other.tar"
    with tarfile.open(path, "w") as archive:
        _add(archive, "hello.txt", b"hi")
    with pytest.raises(WorkbookError, match="manifest.json"):
        read_image_archive(path)
    with pytest.raises(WorkbookError, match="docker save"):
        read_image_archive(tmp_path / "missing.tar")


def test_engine_archive_matches_the_image(tmp_path):
    client = connect()
    remove_labelled(client, NAME)
    try:
        (tmp_path / "a.txt").write_text("a\n")
        (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY a.txt /\n")
        image = build_image(
            client, tmp_path, "wb-test-archive:1", labels={"org.workbook.notebook": NAME}, progress=None
        )
        subprocess.run(["docker", "save", "-o", str(tmp_path / "s.tar"), "wb-test-archive:1"], check=True)
        saved = read_image_archive(tmp_path / "s.tar")
        assert saved.image_id == image.id
        assert [layer.diff_id for layer in saved.layers] == image.attrs["RootFS"]["Layers"]
        assert layer_files(saved.path, saved.layers[-1].path) == ["a.txt"]
    finally:
        remove_labelled(client, NAME)
