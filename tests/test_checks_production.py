"""workbook.checks.production: each check passes on a right result and names what is wrong otherwise."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from workbook import LABEL
from workbook.build import build_app_image, build_image
from workbook.checks.production import check_hardened_container, check_smaller_image
from workbook.cleanup import remove_labelled
from workbook.engine import connect
from workbook.errors import CheckFailed
from workbook.images import resolved
from workbook.ports import any_free_port

OWNER = "tests-checks-production"
LABELS = {LABEL: OWNER}
APP = "workbook/flask-app:tests-09"
BIG = "workbook/flask-app:tests-09-big"
HARDENED = {
    "read_only": True,
    "tmpfs": {"/tmp": ""},
    "cap_drop": ["ALL"],
    "security_opt": ["no-new-privileges"],
    "mem_limit": "256m",
    "pids_limit": 64,
}


@pytest.fixture(scope="module")
def nb():
    client = connect()
    remove_labelled(client, OWNER)
    yield SimpleNamespace(client=client, name=OWNER, labels=LABELS, label=f"{LABEL}={OWNER}")
    remove_labelled(client, OWNER)


@pytest.fixture(scope="module")
def images(nb):
    build_app_image(nb.client, APP, LABELS, progress=None)
    build(nb, f"FROM {APP}\nUSER 0\nRUN head -c 3000000 /dev/zero > /padding\nUSER 10001\n", BIG)


def build(nb, dockerfile: str, tag: str, labels: dict[str, str] = LABELS) -> str:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "Dockerfile").write_text(dockerfile)
        build_image(nb.client, folder, tag, labels=labels, progress=None)
    return tag


def test_smaller_image_wants_both_images(nb):
    with pytest.raises(CheckFailed, match="no image wbtest-none:1: run section 2"):
        check_smaller_image(nb, image=APP, reference="wbtest-none:1")


def test_smaller_image_wants_the_learners_image(nb, images):
    with pytest.raises(CheckFailed, match="no image wbtest-small-absent: build your Dockerfile"):
        check_smaller_image(nb, image="wbtest-small-absent", reference=BIG)


def test_smaller_image_passes_for_a_smaller_working_image(nb, images, capsys):
    assert check_smaller_image(nb, image=APP, reference=BIG)
    assert "smaller than workbook/flask-app:tests-09-big and still answers Hello World!" in capsys.readouterr().out


def test_smaller_image_rejects_the_same_image_under_a_new_tag(nb, images):
    nb.client.images.get(BIG).tag("wbtest-small", "same")
    with pytest.raises(CheckFailed, match="not smaller than"):
        check_smaller_image(nb, image="wbtest-small:same", reference=BIG)


def test_smaller_image_rejects_an_image_that_does_not_serve(nb, images):
    broken = build(
        nb, f'FROM {resolved("python")}\nCMD ["python", "-c", "raise SystemExit(3)"]\n', "wbtest-small:broken"
    )
    with pytest.raises(CheckFailed, match="does not serve the app: .*stopped before it answered"):
        check_smaller_image(nb, image=broken, reference=BIG)


def test_smaller_image_wants_the_label(nb, images):
    build(nb, f"FROM {APP}\n", "wbtest-small:unlabelled", labels={LABEL: "someone-else"})
    try:
        with pytest.raises(CheckFailed, match="lacks the notebook's label"):
            check_smaller_image(nb, image="wbtest-small:unlabelled", reference=BIG)
    finally:
        nb.client.images.remove("wbtest-small:unlabelled", force=True)


def test_hardened_container_wants_the_container(nb):
    with pytest.raises(CheckFailed, match="no container called 'wbtest-absent'"):
        check_hardened_container(nb, name="wbtest-absent")


def test_hardened_container_names_what_is_missing(nb, images):
    ports = {"5000/tcp": ("127.0.0.1", any_free_port())}
    nb.client.containers.run(APP, name="wbtest-09-plain", detach=True, labels=LABELS, ports=ports, read_only=True)
    with pytest.raises(
        CheckFailed,
        match="runs without --cap-drop ALL, --security-opt no-new-privileges, --memory, --pids-limit",
    ):
        check_hardened_container(nb, name="wbtest-09-plain")


def test_hardened_container_rejects_a_port_on_every_address(nb, images):
    nb.client.containers.run(
        APP, name="wbtest-09-open", detach=True, labels=LABELS, ports={"5000/tcp": any_free_port()}, **HARDENED
    )
    with pytest.raises(CheckFailed, match="on every address"):
        check_hardened_container(nb, name="wbtest-09-open")


def test_hardened_container_passes_when_all_is_set(nb, images, capsys):
    ports = {"5000/tcp": ("127.0.0.1", any_free_port())}
    nb.client.containers.run(APP, name="wbtest-09-ok", detach=True, labels=LABELS, ports=ports, **HARDENED)
    assert check_hardened_container(nb, name="wbtest-09-ok")
    assert "wbtest-09-ok runs hardened" in capsys.readouterr().out
