"""workbook.checks.container: each check passes on a right result and names what is wrong otherwise."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from workbook import LABEL
from workbook.build import build_app_image, build_image
from workbook.checks.container import check_limited_service, check_stops_fast, check_volume_keeps
from workbook.cleanup import remove_labelled
from workbook.containers import wait_for_log
from workbook.engine import connect
from workbook.errors import CheckFailed
from workbook.ports import any_free_port

OWNER = "tests-checks-container"
LABELS = {LABEL: OWNER}
APP = "workbook/flask-app:tests-04"


@pytest.fixture(scope="module")
def client():
    client = connect()
    remove_labelled(client, OWNER)
    yield client
    remove_labelled(client, OWNER)


@pytest.fixture(scope="module")
def app_image(client):
    build_app_image(client, APP, LABELS, progress=None)
    return APP


def variant(client, cmd_line: str, tag: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "Dockerfile").write_text(f"FROM {APP}\n{cmd_line}\n")
        build_image(client, folder, tag, labels=LABELS, progress=None)
    return tag


def start_service(client, image, name, **kwargs):
    options = {"ports": {"5000/tcp": ("127.0.0.1", any_free_port())}, **kwargs}
    client.containers.run(image, name=name, detach=True, labels=LABELS, **options)
    wait_for_log(client, name, "Booting worker", count=2, timeout=30)


def test_limited_service_passes_when_all_is_set(client, app_image, capsys):
    start_service(
        client,
        app_image,
        "wbtest-ex1-ok",
        mem_limit="128m",
        nano_cpus=500_000_000,
        restart_policy={"Name": "unless-stopped"},
    )
    assert check_limited_service(client, LABELS, name="wbtest-ex1-ok")
    assert capsys.readouterr().out.startswith("✓ wbtest-ex1-ok runs with 128 MiB, 0.5 CPU")


def test_limited_service_names_the_missing_limit(client, app_image):
    start_service(client, app_image, "wbtest-ex1-nolimit", restart_policy={"Name": "unless-stopped"})
    with pytest.raises(CheckFailed, match="memory limit is not set MiB, not 128; use `--memory 128m`"):
        check_limited_service(client, LABELS, name="wbtest-ex1-nolimit")


def test_limited_service_rejects_a_port_on_every_address(client, app_image):
    client.containers.run(
        app_image, name="wbtest-ex1-open", detach=True, labels=LABELS, ports={"5000/tcp": any_free_port()}
    )
    with pytest.raises(CheckFailed, match="other machines can reach it"):
        check_limited_service(client, LABELS, name="wbtest-ex1-open")


def test_limited_service_wants_the_label_and_the_container(client, app_image):
    with pytest.raises(CheckFailed, match="no container called 'wbtest-absent'"):
        check_limited_service(client, LABELS, name="wbtest-absent")
    client.containers.run(app_image, name="wbtest-ex1-unlabelled", detach=True, labels={LABEL: "someone-else"})
    try:
        with pytest.raises(CheckFailed, match="lacks the label"):
            check_limited_service(client, LABELS, name="wbtest-ex1-unlabelled")
    finally:
        client.containers.get("wbtest-ex1-unlabelled").remove(force=True)


def test_stops_fast_passes_for_exec_in_a_shell_form_cmd(client, app_image, capsys):
    image = variant(
        client, "CMD exec gunicorn --bind 0.0.0.0:5000 --workers 2 run:app", "workbook/flask-app:tests-04-exec"
    )
    start_service(client, image, "wbtest-ex2-ok")
    assert check_stops_fast(client, LABELS, name="wbtest-ex2-ok")
    assert re.search(r"docker stop took \d+\.\d s \(the timeout is 10 s\), exit 0", capsys.readouterr().out)


def test_stops_fast_explains_a_shell_in_front(client, app_image):
    image = variant(client, "CMD gunicorn --bind 0.0.0.0:5000 --workers 2 run:app", "workbook/flask-app:tests-04-sh")
    start_service(client, image, "wbtest-ex2-sh")
    with pytest.raises(CheckFailed, match="PID 1 in wbtest-ex2-sh is 'sh', not gunicorn"):
        check_stops_fast(client, LABELS, name="wbtest-ex2-sh")


def test_stops_fast_wants_a_shell_form_cmd(client, app_image):
    start_service(client, app_image, "wbtest-ex2-exec")
    with pytest.raises(CheckFailed, match="that is exec form"):
        check_stops_fast(client, LABELS, name="wbtest-ex2-exec")


def test_volume_keeps_reads_the_file_through_a_new_container(client, app_image, capsys):
    client.volumes.create("wbtest-notes", labels=LABELS)
    with pytest.raises(CheckFailed, match="has no readable note.txt"):
        check_volume_keeps(client, LABELS, app_image, volume="wbtest-notes")
    client.containers.run(
        app_image,
        ["sh", "-c", "echo kept > /data/note.txt"],
        user="root",
        volumes={"wbtest-notes": {"bind": "/data", "mode": "rw"}},
        labels=LABELS,
        remove=True,
    )
    assert check_volume_keeps(client, LABELS, app_image, volume="wbtest-notes")
    assert "still holds note.txt = 'kept'" in capsys.readouterr().out


def test_volume_keeps_names_a_missing_volume_and_a_lingering_writer(client, app_image):
    with pytest.raises(CheckFailed, match="no volume called 'wbtest-nothing'"):
        check_volume_keeps(client, LABELS, app_image, volume="wbtest-nothing")
    client.volumes.create("wbtest-busy", labels=LABELS)
    client.containers.run(
        app_image, ["sleep", "30"], name="wbtest-writer", detach=True, labels=LABELS, volumes=["wbtest-busy:/data"]
    )
    with pytest.raises(CheckFailed, match="wbtest-writer still use wbtest-busy"):
        check_volume_keeps(client, LABELS, app_image, volume="wbtest-busy")
