"""workbook.daemon: host processes from /proc, and the example daemon.json (never the real one)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from workbook.daemon import EXAMPLE_DAEMON_JSON, REAL_DAEMON_JSON, processes, write_example


def test_finds_this_process_by_name():
    name = Path(f"/proc/{os.getpid()}/comm").read_text().strip()
    found = processes(name)
    assert os.getpid() in [p.pid for p in found]
    assert all(p.cmdline for p in found)


def test_finds_the_engine_when_it_runs_here():
    if not Path("/var/run/docker.sock").exists():
        pytest.skip("no local engine")
    assert processes("dockerd"), "the local socket exists but no dockerd process was found"


def test_unknown_name_gives_nothing():
    assert processes("no-such-process-name") == []


def test_write_example(tmp_path):
    path = write_example(tmp_path)
    assert json.loads(path.read_text()) == EXAMPLE_DAEMON_JSON
    assert {"log-driver", "userland-proxy", "registry-mirrors", "insecure-registries", "live-restore"} <= set(
        EXAMPLE_DAEMON_JSON
    )


def test_never_writes_the_real_file():
    before = REAL_DAEMON_JSON.read_bytes() if REAL_DAEMON_JSON.exists() else None
    with pytest.raises(ValueError):
        write_example(REAL_DAEMON_JSON.parent)
    assert (REAL_DAEMON_JSON.read_bytes() if REAL_DAEMON_JSON.exists() else None) == before
