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
    from workbook.engine import unix_socket_path

    socket_path = unix_socket_path()
    if socket_path is None or not Path(socket_path).exists():
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


def _fake_proc(tmp_path, pid, comm, cmdline, environ=None, mountinfo=None):
    entry = tmp_path / str(pid)
    entry.mkdir(parents=True)
    (entry / "comm").write_text(comm + "\n")
    (entry / "cmdline").write_bytes(b"\0".join(arg.encode() for arg in cmdline) + b"\0")
    if environ is not None:
        (entry / "environ").write_bytes(b"\0".join(f"{k}={v}".encode() for k, v in environ.items()) + b"\0")
    if mountinfo is not None:
        (entry / "mountinfo").write_text(mountinfo)
    return entry


def test_config_file_from_the_command_line_or_the_default(tmp_path):
    from workbook.daemon import HostProcess, config_file, daemon_config

    settings = tmp_path / "daemon.json"
    settings.write_text('{"features": {"containerd-snapshotter": true}}\n')
    for args in (("dockerd", "--config-file", str(settings)), ("dockerd", f"--config-file={settings}")):
        process = HostProcess(1, "root", args)
        assert config_file(process) == settings
        assert daemon_config(process).text == settings.read_text()
    assert config_file(HostProcess(1, "root", ("dockerd",))) == REAL_DAEMON_JSON
    missing = daemon_config(HostProcess(1, "root", ("dockerd", "--config-file", str(tmp_path / "none.json"))))
    assert missing.seen and missing.text == ""


def test_no_local_daemon_gives_one_line_with_what_root_would_see():
    from workbook.daemon import daemon_config, daemon_environment, not_here

    for view in (
        daemon_config(None, not_here("tcp://10.0.0.5:2376")),
        daemon_environment(None, "DOCKER_MIN_API_VERSION"),
    ):
        assert not view.seen and "\n" not in view.why and "root user on a Linux host" in view.why
    assert "another machine" in not_here("ssh://me@host")
    assert "Docker Desktop" in not_here("unix:///Users/me/.docker/run/docker.sock")


def test_daemon_environment_reads_proc_or_says_why(tmp_path):
    from workbook.daemon import HostProcess, daemon_environment

    _fake_proc(tmp_path, 42, "dockerd", ["dockerd"], environ={"PATH": "/bin", "DOCKER_MIN_API_VERSION": "1.44"})
    process = HostProcess(42, "root", ("dockerd",))
    assert daemon_environment(process, "DOCKER_MIN_API_VERSION", proc=tmp_path).text == "1.44"
    assert daemon_environment(process, "NOT_SET", proc=tmp_path).text == ""
    (tmp_path / "42" / "environ").chmod(0)
    if os.getuid() != 0:  # root reads it anyway
        view = daemon_environment(process, "DOCKER_MIN_API_VERSION", proc=tmp_path)
        assert not view.seen and "readable by its owner (root) only" in view.why


def test_the_real_daemon_environment_is_readable_by_root_only():
    from workbook.daemon import daemon_environment

    daemons = processes("dockerd")
    if not daemons:
        pytest.skip("no local dockerd")
    view = daemon_environment(daemons[0], "DOCKER_MIN_API_VERSION")
    assert view.seen == (os.getuid() in (0, Path(f"/proc/{daemons[0].pid}").stat().st_uid))


MOUNTINFO = (
    "100 90 0:50 / / rw,relatime master:8 - overlay overlay "
    "rw,lowerdir=/d/snapshots/9/fs:/d/snapshots/1/fs,upperdir=/d/snapshots/12/fs,workdir=/d/snapshots/12/work\n"
    "101 100 0:51 / /proc rw,nosuid - proc proc rw\n"
)


def test_overlay_dirs_from_graphdriver_or_mountinfo(tmp_path):
    from workbook.daemon import OverlayDirs, mount_options, overlay_dirs

    classic = {
        "GraphDriver": {
            "Name": "overlay2",
            "Data": {
                "UpperDir": "/r/overlay2/a/diff",
                "LowerDir": "/r/overlay2/a-init/diff:/r/overlay2/b/diff",
                "WorkDir": "/r/overlay2/a/work",
            },
        }
    }
    dirs = overlay_dirs(classic)
    assert isinstance(dirs, OverlayDirs) and dirs.upper == Path("/r/overlay2/a/diff") and len(dirs.lower) == 2

    assert mount_options(MOUNTINFO)["upperdir"] == "/d/snapshots/12/fs"
    _fake_proc(tmp_path, 7, "sleep", ["sleep"], mountinfo=MOUNTINFO)
    containerd = {"GraphDriver": {"Name": "overlayfs", "Data": None}, "State": {"Pid": 7}}
    dirs = overlay_dirs(containerd, proc=tmp_path)
    assert dirs == OverlayDirs(
        Path("/d/snapshots/12/fs"), (Path("/d/snapshots/9/fs"), Path("/d/snapshots/1/fs")), Path("/d/snapshots/12/work")
    )
    gone = overlay_dirs({**containerd, "State": {"Pid": 8}}, proc=tmp_path)
    assert isinstance(gone, str) and "not on this machine" in gone
    assert "not running" in overlay_dirs({"GraphDriver": {"Data": None}, "State": {"Pid": 0}})


def test_image_store_and_cannot_read(tmp_path):
    from workbook.daemon import cannot_read, image_store

    assert image_store({"Driver": "overlayfs", "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]]}) == (
        "containerd"
    )
    assert image_store({"Driver": "overlay2", "DriverStatus": [["Backing Filesystem", "extfs"]]}) == "classic"
    assert cannot_read(tmp_path) is None
    assert "not on this machine" in cannot_read(tmp_path / "missing")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0)
    if os.getuid() != 0:
        assert "readable by root only" in cannot_read(locked)
