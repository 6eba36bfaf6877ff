"""workbook.engine_api: the stdlib Engine API client, against the real engine (fakes for odd paths)."""

from __future__ import annotations

import socket
import struct
import threading

import docker.constants
import pytest

from workbook.engine_api import (
    EngineAPI,
    EngineAPIError,
    UnixHTTPConnection,
    demux_stream,
    error_message,
    newer_api,
    older_api,
    socket_path_from_env,
)

TEST_LABEL = {"org.workbook.notebook": "tests-unit-engine-api"}


def test_socket_path_from_env(tmp_path):
    empty_config = {"DOCKER_CONFIG": str(tmp_path)}
    assert socket_path_from_env(empty_config) == docker.constants.DEFAULT_UNIX_SOCKET.removeprefix("http+unix://")
    assert socket_path_from_env({"DOCKER_HOST": "unix:///tmp/x.sock"}) == "/tmp/x.sock"
    with pytest.raises(EngineAPIError, match="not a unix:// socket"):
        socket_path_from_env({"DOCKER_HOST": "tcp://127.0.0.1:2375"})


def test_url_adds_version_and_json_filters():
    api = EngineAPI(socket_path="/nonexistent", version="1.47")
    assert api.url("/_ping") == "/_ping"
    assert api.url("containers/json", {"all": 1}) == "/v1.47/containers/json?all=1"
    assert api.url("/containers/json", {"filters": {"label": ["a=b"]}}) == (
        "/v1.47/containers/json?filters=%7B%22label%22%3A+%5B%22a%3Db%22%5D%7D"
    )
    assert EngineAPI(socket_path="/x", version=None).url("/info") == "/info"


def test_negotiates_the_engines_version_with_one_ping(client):
    api = EngineAPI()
    newest = client.version()["ApiVersion"]
    assert api.version == newest
    assert api.get("/_ping") == "OK"
    version = api.get("/version")
    assert version["ApiVersion"] == newest
    assert api.calls == ["GET /_ping", "GET /_ping", f"GET /v{newest}/version"]


def test_verbose_prints_each_call(capsys, client):
    EngineAPI(verbose=True).get("/_ping")
    newest = client.version()["ApiVersion"]
    assert capsys.readouterr().out == (
        f"GET /_ping -> 200 OK\n  Api-Version: {newest}, so later paths start with /v{newest}\nGET /_ping -> 200 OK\n"
    )


def test_a_too_old_or_too_new_version_gets_the_engines_refusal(client):
    server = client.version()
    old = older_api(server["MinAPIVersion"], "1.41")
    answer = EngineAPI(version=old).request("GET", "/version", ok=(400,))
    assert f"client version {old} is too old" in answer.json()["message"]
    new = newer_api(server["ApiVersion"])
    with pytest.raises(EngineAPIError, match=f"client version {new} is too new") as raised:
        EngineAPI(version=new).get("/version")
    assert raised.value.status == 400


def test_older_and_newer_api():
    assert newer_api("1.51") == "1.52"
    assert older_api("1.44", "1.41") == "1.41"
    assert older_api("1.24", "1.41") == "1.23"
    assert older_api("1.9", "1.41") == "1.8"


def test_negotiation_falls_back_to_version_without_the_header(tmp_path):
    """A fake engine whose /_ping has no Api-Version header: /version's ApiVersion is used."""
    path = str(tmp_path / "fake.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(2)
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nOK",
        b'HTTP/1.1 200 OK\r\nContent-Length: 22\r\nContent-Type: application/json\r\n\r\n{"ApiVersion": "1.47"}',
    ]

    def serve():
        for answer in answers:
            conn, _ = server.accept()
            conn.recv(65536)
            conn.sendall(answer)
            conn.close()

    thread = threading.Thread(target=serve)
    thread.start()
    api = EngineAPI(socket_path=path, timeout=5)
    thread.join()
    server.close()
    assert api.version == "1.47"
    assert api.calls == ["GET /_ping", "GET /version"]


def test_error_status_raises_with_engine_message():
    with pytest.raises(EngineAPIError, match="404: No such container: wb-no-such-container") as raised:
        EngineAPI().get("/containers/wb-no-such-container/json")
    assert raised.value.status == 404


def test_missing_socket_says_so(tmp_path):
    with pytest.raises(EngineAPIError, match="No socket at"):
        EngineAPI(socket_path=str(tmp_path / "none.sock")).get("/_ping")


def test_container_life_cycle_and_logs(client):
    from workbook.cleanup import remove_labelled
    from workbook.images import resolved

    remove_labelled(client, TEST_LABEL["org.workbook.notebook"])
    api = EngineAPI()
    try:
        created = api.post(
            "/containers/create",
            {"Image": resolved("python"), "Cmd": ["sh", "-c", "echo out; echo err >&2"], "Labels": TEST_LABEL},
            name="wbtest-engine-api",
        )
        api.post(f"/containers/{created['Id']}/start")
        assert api.post(f"/containers/{created['Id']}/wait")["StatusCode"] == 0
        assert sorted(api.logs(created["Id"]).split()) == ["err", "out"]
        api.delete(f"/containers/{created['Id']}")
        with pytest.raises(EngineAPIError):
            api.get(f"/containers/{created['Id']}/json")
    finally:
        remove_labelled(client, TEST_LABEL["org.workbook.notebook"])


def test_demux_stream():
    frame = struct.pack(">BxxxL", 1, 3) + b"abc" + struct.pack(">BxxxL", 2, 2) + b"de"
    assert demux_stream(frame) == [("stdout", b"abc"), ("stderr", b"de")]
    assert demux_stream(b"plain tty output") == [("stdout", b"plain tty output")]
    assert demux_stream(b"") == []


def test_error_message_falls_back_to_text():
    assert error_message(500, b'{"message": "boom"}') == "boom"
    assert error_message(502, b"bad gateway") == "bad gateway"
    assert error_message(503, b"") == "Service Unavailable"


def test_unix_connection_speaks_http(tmp_path):
    """A fake one-shot server: the connection really goes over the Unix socket given."""
    path = str(tmp_path / "fake.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)

    def answer():
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello")
        conn.close()

    thread = threading.Thread(target=answer)
    thread.start()
    connection = UnixHTTPConnection(path, timeout=5)
    connection.request("GET", "/anything")
    assert connection.getresponse().read() == b"hello"
    connection.close()
    thread.join()
    server.close()
