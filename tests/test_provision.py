import http.server
import json
import os
import shutil
import socketserver
import subprocess
import threading
import time

import pytest

from workbook import provision, setup


def test_major_version_reads_debian_and_upstream_strings():
    assert provision.major_version("28.5.2+dfsg4") == 28
    assert provision.major_version("20.10.24+dfsg1") == 20
    assert provision.major_version("v29.0.1") == 29
    assert provision.major_version("garbage") == 0


def test_too_old_engine_is_refused_in_one_line():
    with pytest.raises(provision.EngineTooOld) as raised:
        provision.refuse_if_too_old("20.10.24", "1.41", "unix:///x.sock")
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("Docker Engine 20.10.24 (API 1.41) answers at unix:///x.sock;")
    assert "Engine 25 or later (API 1.44)" in message
    provision.refuse_if_too_old("25.0.0", "1.44", "unix:///x.sock")


def test_store_choice(monkeypatch):
    monkeypatch.delenv("WORKBOOK_IMAGE_STORE", raising=False)
    assert provision.wanted_store() == "containerd"
    monkeypatch.setenv("WORKBOOK_IMAGE_STORE", "Classic")
    assert provision.wanted_store() == "classic"
    monkeypatch.setenv("WORKBOOK_IMAGE_STORE", "zfs")
    with pytest.raises(provision.WorkbookError, match="not one of containerd, classic"):
        provision.wanted_store()


def test_daemon_config_round_trip(tmp_path):
    for store in provision.STORES:
        path = tmp_path / f"{store}.json"
        path.write_text(json.dumps(provision.daemon_config(store)))
        assert provision.configured_store(path) == store
    assert provision.configured_store(tmp_path / "missing.json") is None


def test_daemon_command_sets_the_api_floor_and_the_config_file(tmp_path):
    command = provision.daemon_command(config=tmp_path / "daemon.json", prefix=tmp_path)
    assert command.argv[1:] == ["--config-file", str(tmp_path / "daemon.json")]
    assert command.env["DOCKER_MIN_API_VERSION"] == provision.MIN_API_VERSION


def test_private_apt_options_point_only_into_the_state_folder(tmp_path):
    options = provision.private_apt_options(tmp_path)
    assert (tmp_path / "sources.list").read_text().split()[-2:] == ["unstable", "main"]
    for option in options:
        if "Dir::" in option and "=/dev/null" not in option:
            assert str(tmp_path) in option


def fake_dockerd(tmp_path, log_name):
    """A `sleep` renamed dockerd, its output going to ``log_name``: not our engine, but looks like one."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    binary = tmp_path / "dockerd"
    shutil.copy(shutil.which("sleep"), binary)
    log = tmp_path / log_name
    log.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([str(binary), "60"], stdout=log.open("w"))
    for _ in range(100):
        if provision.process_name(process.pid) == "dockerd":
            break
        time.sleep(0.02)
    return process


def test_only_a_dockerd_logging_to_setups_log_counts_as_setups(tmp_path):
    ours = fake_dockerd(tmp_path / "a", ".workbook/dockerd.log")
    theirs = fake_dockerd(tmp_path / "b", "var/log/docker.log")
    try:
        assert provision.started_by_setup(ours.pid)
        assert not provision.started_by_setup(theirs.pid)
    finally:
        for process in (ours, theirs):
            process.kill()
            process.wait()


def test_stop_process_never_signals_something_that_is_not_dockerd(tmp_path):
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        assert provision.stop_process(sleeper.pid) == f"dockerd (pid {sleeper.pid}) had already stopped"
        assert sleeper.poll() is None
        assert provision.stop_process(0).endswith("had already stopped")
        assert provision.stop_process(1).endswith("had already stopped")
    finally:
        sleeper.kill()
        sleeper.wait()


def test_stop_process_stops_a_dockerd(tmp_path):
    process = fake_dockerd(tmp_path, ".workbook/dockerd.log")
    assert provision.stop_process(process.pid) == f"stopped dockerd (pid {process.pid})"
    assert process.wait(timeout=5) == -15


class OldEngine(http.server.BaseHTTPRequestHandler):
    """Answers like Docker Engine 20.10 would: enough for a client to learn its version."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's connection pool expects

    def do_GET(self):  # noqa: N802 - http.server's naming
        if self.path.endswith("/_ping"):
            body = b"OK"
        else:
            body = json.dumps({"Version": "20.10.24+dfsg1", "ApiVersion": "1.41", "MinAPIVersion": "1.12"}).encode()
        self.send_response(200)
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        request, _ = super().get_request()
        return request, ("local", 0)


def test_setup_stops_in_seconds_with_one_line_on_a_too_old_engine(tmp_path, monkeypatch, capsys):
    socket_path = tmp_path / "old-engine.sock"
    server = UnixHTTPServer(str(socket_path), OldEngine)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("DOCKER_HOST", f"unix://{socket_path}")

    def must_not_stop(pid, *args, **kwargs):
        raise AssertionError(f"setup tried to stop pid {pid}: an engine it started is not the one at DOCKER_HOST")

    monkeypatch.setattr(provision, "stop_process", must_not_stop)
    started = time.monotonic()
    try:
        assert setup.main([]) == 2
    finally:
        server.shutdown()
        server.server_close()
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith(f"setup: Docker Engine 20.10.24+dfsg1 (API 1.41) answers at unix://{socket_path};")
    assert os.environ["DOCKER_HOST"].startswith("unix://")
