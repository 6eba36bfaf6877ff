"""The offline kit on the real engine: made by the code `make offline-kit` runs, then used with
pip pointed at the kit only and a build that has no network at all.

To stay within a minute the kit here is reduced (``wheel_sets(app_only=True)``): every base
image, and app/requirements.txt's wheels for the host's Python and for the image's Python 3.13.
The full kit (requirements.lock, requirements-book.txt, the notebooks' sets) takes minutes to
download; ``test_full_kit_serves_requirements_lock`` checks the one `make offline-kit` made, when
WORKBOOK_TEST_FULL_KIT=1 asks for it (its two pip resolutions take about two minutes).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import uuid
from pathlib import Path

import pytest

from workbook import LABEL, ROOT, kit, kit_load
from workbook.cleanup import remove_labelled
from workbook.images import BASE_IMAGES, resolved
from workbook.web import wait_for_http

OWNER = "tests-offline-kit"  # the label value of everything these tests make


def unpack(archive: Path, dest: Path) -> Path:
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # Python < 3.11.4
            tar.extractall(dest)  # noqa: S202 - our own archive
    return dest / kit.KIT_FOLDER


@pytest.fixture(scope="module")
def made(client):
    """(archive, unpacked kit folder, manifest) of a reduced kit; everything removed afterwards.

    After `make offline-load` (no index to download from) the tests use the loaded kit instead.
    """
    remove_labelled(client, OWNER)
    record = kit_load.active()
    if record is not None:
        yield None, Path(record["kit"]), kit_load.read_manifest(Path(record["kit"]))
        remove_labelled(client, OWNER)
        return
    work = Path(tempfile.mkdtemp(prefix="wbkit-test-"))
    try:
        archive = work / "kit.tar"
        data = kit.build_kit(archive, kit.wheel_sets(app_only=True), say=lambda line: None)
        yield archive, unpack(archive, work / "unpacked"), data
    finally:
        shutil.rmtree(work, ignore_errors=True)
        remove_labelled(client, OWNER)


def clean_pip_env() -> dict[str, str]:
    """The environment without PIP_* and with no pip configuration file: no local index leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    return {**env, "PIP_CONFIG_FILE": os.devnull}


def fresh_venv_pip(path: Path) -> list[str]:
    """An empty virtualenv (no pip of its own: ensurepip is slow) and the pip command that installs into it."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", str(path / "bin" / "python")]


def required(data: dict) -> dict[str, str]:
    """Role -> base image: as `make setup` resolved it, or as the loaded kit holds it in offline mode."""
    if kit_load.active() is None:
        return {base.role: resolved(base.role) for base in BASE_IMAGES}
    return {image["role"]: image["name"] for image in data["images"]}


def short(name: str) -> str:
    """An image name without docker.io/ or docker.io/library/."""
    return name.removeprefix("docker.io/").removeprefix("library/")


def test_manifest_lists_every_image_with_its_id_and_every_wheel_with_its_sha256(made):
    _, unpacked, data = made
    by_role = {image["role"]: image for image in data["images"]}
    assert sorted(by_role) == sorted(base.role for base in BASE_IMAGES)
    for role, image in by_role.items():
        assert image["name"] == required(data)[role] and image["id"] == kit.image_id(image["name"])
    assert kit_load.verify_files(unpacked, data) == []
    names = {entry["file"].split("-")[0].lower() for entry in data["wheels"]["image"]}
    assert {"flask", "gunicorn", "werkzeug", "redis"} <= names
    assert any("cp313" in entry["file"] for entry in data["wheels"]["image"])  # MarkupSafe's compiled wheel


def test_pip_installs_the_app_requirements_from_the_kit_alone(made, tmp_path):
    _, unpacked, _ = made
    pip = fresh_venv_pip(tmp_path / "venv")
    done = subprocess.run(
        [
            *pip,
            "install",
            "--no-index",
            "--find-links",
            str(unpacked / "wheels" / "host"),
            "-r",
            "app/requirements.txt",
        ],
        cwd=ROOT,
        env=clean_pip_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    listed = subprocess.run([*pip, "list", "--format=freeze"], env=clean_pip_env(), capture_output=True, text=True)
    assert "Flask==3.1.3" in listed.stdout.splitlines() and "gunicorn==27.0.1" in listed.stdout.splitlines()


def test_the_image_archive_lists_every_required_image_and_loads(made, client):
    _, unpacked, data = made
    images_tar = unpacked / data["images_archive"]
    names = {short(name) for name in required(data).values()}
    assert names <= {short(name) for name in kit.archive_image_names(images_tar)}
    before = {name: client.images.get(name).id for name in names}
    loaded = kit_load.load_images(unpacked, data)
    assert names <= {short(name) for name in loaded}
    assert {name: client.images.get(name).id for name in names} == before  # same images, nothing re-tagged


def test_a_build_without_network_installs_the_app_from_the_kit_and_serves_http(made, client):
    _, unpacked, data = made
    suffix = uuid.uuid4().hex[:8]
    base, app = f"wbkit-test/python:{suffix}", f"wbkit-test/flask-app:{suffix}"
    kit_load.build_offline_python(required(data)["python"], unpacked / "wheels" / "image", base, labels={LABEL: OWNER})
    done = subprocess.run(
        ["docker", "build", "--no-cache", "--network=none", "--progress=plain", "-f", "docker/Dockerfile"]
        + ["--build-arg", f"PYTHON_IMAGE={base}", "-t", app, "--label", f"{LABEL}={OWNER}", "app/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"Processing {kit_load.WHEELS_IN_IMAGE}/flask-3.1.3-py3-none-any.whl" in done.stderr
    container = client.containers.run(
        app, detach=True, labels={LABEL: OWNER}, ports={"5000/tcp": ("127.0.0.1", None)}, name=f"wbkit-test-{suffix}"
    )
    container.reload()
    port = container.ports["5000/tcp"][0]["HostPort"]
    assert wait_for_http(f"http://127.0.0.1:{port}/", timeout=30).text == "Hello World!"
    container.remove(force=True)


FULL_KIT = kit.DEFAULT_ARCHIVE


@pytest.mark.skipif(
    not (FULL_KIT.exists() and os.environ.get("WORKBOOK_TEST_FULL_KIT")),
    reason="WORKBOOK_TEST_FULL_KIT=1 after `make offline-kit` checks the full kit (about 2 minutes)",
)
def test_full_kit_serves_requirements_txt(tmp_path):
    unpacked = unpack(FULL_KIT, tmp_path / "full")
    data = kit_load.read_manifest(unpacked)
    if data["requirements_sha256"].get("requirements.lock") != kit.sha256(ROOT / "requirements.lock"):
        pytest.skip("the full kit predates requirements.lock: run `make offline-kit` again")
    pip = fresh_venv_pip(tmp_path / "venv")
    for requirements in ("requirements.lock", "requirements-book.txt"):  # two venvs in real life: two resolutions
        done = subprocess.run(
            [*pip, "install", "--dry-run", "--no-index"]
            + ["--find-links", str(unpacked / "wheels" / "host"), "-r", requirements],
            cwd=ROOT,
            env=clean_pip_env(),
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-2000:]
