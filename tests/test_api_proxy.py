"""workbook.api_proxy: the recording proxy, with the real engine, the CLI, the SDK and raw HTTP."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import docker
import pytest

from workbook.api_proxy import ProxyError, RecordingProxy, _RequestReader, call_table, format_table, normalise
from workbook.engine_api import EngineAPI


def test_normalise():
    cid = "a" * 64
    assert normalise(f"POST /v1.41/containers/{cid}/start?x=1") == "POST /containers/{id}/start"
    assert normalise("DELETE /v1.41/containers/web", names=("web",)) == "DELETE /containers/{id}"
    assert normalise("HEAD /_ping") == "HEAD /_ping"
    assert normalise("GET /v1.41/containers/webby/json", names=("web",)) == "GET /containers/webby/json"


def test_request_reader_follows_keep_alive_and_bodies():
    reader = _RequestReader()
    body = b'{"Image": "x"}'
    stream = (
        b"POST /v1.41/containers/create HTTP/1.1\r\nHost: docker\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
        + b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n"
    )
    found = []
    for i in range(0, len(stream), 7):  # arrives in small pieces
        found += reader.feed(stream[i : i + 7])
    assert found == ["POST /v1.41/containers/create", "GET /_ping"]


def test_request_reader_stops_after_upgrade():
    reader = _RequestReader()
    head = b"POST /v1.41/containers/x/attach HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
    assert reader.feed(head + b"GET /not-a-request HTTP/1.1\r\n\r\n") == ["POST /v1.41/containers/x/attach"]
    assert reader.feed(b"GET /still-not HTTP/1.1\r\n\r\n") == []


def test_proxy_records_raw_sdk_and_cli_calls(tmp_path):
    with RecordingProxy() as proxy:
        assert EngineAPI(socket_path=proxy.socket_path).get("/_ping") == "OK"
        assert proxy.take() == ["GET /_ping", "GET /_ping"]  # the first one negotiates the API version

        sdk = docker.DockerClient(base_url=proxy.docker_host)
        sdk.containers.list(filters={"label": "org.workbook.notebook=tests-unit-none"})
        sdk.close()
        assert "GET /containers/json" in {normalise(call) for call in proxy.take()}

        env = {**os.environ, "DOCKER_HOST": proxy.docker_host, "DOCKER_CONFIG": str(tmp_path)}
        done = subprocess.run(["docker", "version", "--format", "{{.Server.APIVersion}}"], env=env, capture_output=True)
        assert done.returncode == 0
        calls = proxy.take()
        assert "HEAD /_ping" in calls and "GET /version" in {normalise(call) for call in calls}
        assert proxy.history[0] == "GET /_ping"
        folder = Path(proxy.socket_path).parent
    assert not folder.exists()


def test_proxy_needs_the_engine_socket(tmp_path):
    with pytest.raises(ProxyError, match="No engine socket"):
        RecordingProxy(upstream=str(tmp_path / "none.sock")).start()
    with pytest.raises(ProxyError, match="not running"):
        _ = RecordingProxy().socket_path


def test_proxy_forwards_to_the_engine_the_clients_use(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/engine.sock")
    assert RecordingProxy().upstream == f"{tmp_path}/engine.sock"
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:2375")
    with pytest.raises(ProxyError, match="not on a Unix socket"):
        RecordingProxy()


def test_call_table_and_format():
    rows = call_table(
        {"A": ["GET /_ping", "POST /v1.41/containers/create", "GET /_ping"], "B": ["POST /v1.41/containers/create"]},
        first=("POST /containers/create",),
    )
    assert rows == [("call", "A", "B"), ("POST /containers/create", "1", "1"), ("GET /_ping", "2", "")]
    assert format_table(rows).splitlines()[2] == "GET /_ping               2"
