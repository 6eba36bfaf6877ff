"""workbook.hardening: settings, logs and inspect data read right; sizes and secrets found on the real engine."""

from __future__ import annotations

import io
import tarfile
import tempfile
from pathlib import Path

import pytest

from workbook import LABEL
from workbook.build import build_image
from workbook.cleanup import remove_labelled
from workbook.hardening import (
    Hardening,
    _StreamReader,
    access_requests,
    files_containing,
    gunicorn_settings,
    hardening,
    history_mentions,
    inspect_mentions,
    own_layers_bytes,
    steps_in_dockerfile_order,
    unpacked_bytes,
)
from workbook.images import resolved

PRINT_CONFIG = """\
access_log_format                  = %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"
accesslog                          = -
bind                               = ['0.0.0.0:5000']
control_socket                     = /tmp/gunicorn.ctl
workers                            = 3
"""


def test_gunicorn_settings_reads_the_wanted_lines_only():
    found = gunicorn_settings(PRINT_CONFIG, ["accesslog", "bind", "workers", "missing"])
    assert found == {"accesslog": "-", "bind": "['0.0.0.0:5000']", "workers": "3"}


def test_access_requests_drop_address_and_time():
    log = (
        "[2026-11-28 10:59:07 +0000] [28] [INFO] Booting worker with pid: 28\n"
        '172.17.0.1 - - [28/Nov/2026:10:59:28 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/7.88.1"\n'
        '127.0.0.1 - - [28/Nov/2026:10:59:31 +0000] "POST /count HTTP/1.0" 500 - "-" "x"\n'
    )
    assert access_requests(log) == ['"GET / HTTP/1.1" 200 12', '"POST /count HTTP/1.0" 500 -']


def test_inspect_mentions_names_the_sections():
    attrs = {"Id": "x", "Config": {"Env": ["DB_PASSWORD=s3cret"]}, "HostConfig": {"Binds": ["/a:/b:ro"]}}
    assert inspect_mentions(attrs, "s3cret") == ["Config"]
    assert inspect_mentions(attrs, "absent") == []


def test_hardening_reads_inspect_data():
    attrs = {
        "Config": {"User": "10001"},
        "HostConfig": {
            "ReadonlyRootfs": True,
            "Tmpfs": {"/tmp": ""},
            "CapDrop": ["ALL"],
            "SecurityOpt": ["no-new-privileges"],
            "Memory": 256 * 2**20,
            "PidsLimit": 64,
        },
    }
    settings = hardening(attrs)
    assert settings == Hardening("10001", True, {"/tmp": ""}, ["ALL"], ["no-new-privileges"], 256 * 2**20, 64)
    assert settings.non_root and settings.no_new_privileges
    assert "memory limit:      256 MiB   (HostConfig.Memory)" in settings.lines()


def test_hardening_of_a_default_container_is_empty():
    settings = hardening({"Config": {"User": ""}, "HostConfig": {"Tmpfs": None, "CapDrop": None, "PidsLimit": None}})
    assert not settings.non_root and not settings.read_only and not settings.no_new_privileges
    assert settings.memory == 0 and settings.pids_limit == 0 and settings.cap_drop == []


@pytest.mark.parametrize("user", ["root", "0", "0:0", "root:root"])
def test_root_is_root_by_name_or_number(user):
    assert not Hardening(user, True, {}, [], [], 0, 0).non_root


def test_the_stream_reader_feeds_tarfile_in_chunks():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = b"x" * 5000 + b"needle"
        info = tarfile.TarInfo("etc/file")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    raw = buffer.getvalue()
    chunks = iter([raw[i : i + 777] for i in range(0, len(raw), 777)])
    with tarfile.open(fileobj=_StreamReader(chunks), mode="r|") as archive:
        member = next(iter(archive))
        assert archive.extractfile(member).read().endswith(b"needle")


@pytest.fixture
def own_labels(client):
    """A label of this module's own (other test runs may share the engine and clean up theirs)."""
    remove_labelled(client, "tests-hardening")
    yield {LABEL: "tests-hardening"}
    remove_labelled(client, "tests-hardening")


def test_sizes_history_and_files_on_the_engine(client, own_labels):
    test_labels = own_labels
    base = resolved("python")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "Dockerfile").write_text(
            f"FROM {base}\nARG TOKEN=visible-token-42\n"
            "RUN echo hidden-value-17 > /srv/note.txt && head -c 2000000 /dev/zero > /srv/padding\n"
        )
        build_image(client, folder, "wbtest-hardening:1", labels=test_labels, progress=None)
    own = own_layers_bytes(client, "wbtest-hardening:1", base)
    assert 2_000_000 <= own < 2_200_000
    assert unpacked_bytes(client, "wbtest-hardening:1") == unpacked_bytes(client, base) + own
    assert history_mentions(client, "wbtest-hardening:1", "visible-token-42")
    assert files_containing(client, "wbtest-hardening:1", "hidden-value-17", test_labels) == ["srv/note.txt"]
    assert files_containing(client, "wbtest-hardening:1", "nowhere-to-be-found-99", test_labels) == []
    assert not client.containers.list(all=True, filters={"label": [f"{k}={v}" for k, v in test_labels.items()]})


def test_steps_follow_the_dockerfile_not_buildkits_numbers():
    dockerfile = (
        "ARG PYTHON_IMAGE=python:3.13-slim\n# build stage\nFROM ${PYTHON_IMAGE} AS build\n"
        "RUN python -m venv /opt/venv\nRUN --mount=type=cache,target=/root/.cache/pip \\\n    pip install x\n"
        'FROM ${PYTHON_IMAGE}\nWORKDIR /usr/src/app\nARG UID=10001\nRUN useradd --uid "${UID}" appuser\nCOPY . .\n'
    )
    log = (
        "#5 [2/6] WORKDIR /usr/src/app\n#5 CACHED\n"
        "#4 [stage-1 1/5] FROM docker.io/x/python:3.13-slim@sha256:abc\n"
        '#9 [stage-1 3/5] RUN useradd --uid "10001" appuser\n'
        "#6 [build 2/3] RUN python -m venv /opt/venv\n"
        "#7 [build 3/3] RUN --mount=type=cache,target=/root/.cache/pip     pip install x\n"
        "#10 [stage-1 4/5] COPY . .\n"
        "#11 [build 1/3] FROM docker.io/x/python:3.13-slim@sha256:abc\n"
    )
    assert steps_in_dockerfile_order(log, dockerfile) == [
        "FROM docker.io/x/python:3.13-slim@sha256:abc",
        "RUN python -m venv /opt/venv",
        "RUN --mount=type=cache,target=/root/.cache/pip     pip install x",
        "WORKDIR /usr/src/app",
        'RUN useradd --uid "10001" appuser',
        "COPY . .",
    ]
