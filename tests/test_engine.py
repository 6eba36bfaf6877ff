import pytest

from workbook.engine import connect, describe, explain_connection_error
from workbook.errors import EngineUnavailable


def test_a_missing_socket_gives_one_message_with_the_fix(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent.sock")
    with pytest.raises(EngineUnavailable) as caught:
        connect(timeout=3)
    message = str(caught.value)
    assert message.startswith("No Docker engine answers at unix:///nonexistent.sock (set by DOCKER_HOST).")
    assert "unset DOCKER_HOST" in message
    assert "\n" not in message


def test_permission_denied_points_at_the_docker_group():
    message = explain_connection_error(PermissionError(13, "Permission denied"), "unix:///var/run/docker.sock")
    assert "docker group" in message


def test_describe_reports_client_and_server_versions(client):
    facts = describe(client)
    assert facts.os_type == "linux"
    assert facts.server_api and facts.client_version
    # The CLI negotiates down to what the server speaks.
    assert tuple(map(int, facts.negotiated_api.split("."))) <= tuple(map(int, facts.server_api.split(".")))
    assert dict(facts.rows())["API version in use"] == facts.negotiated_api


def test_without_docker_host_the_message_says_how_to_start_docker(monkeypatch):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    message = explain_connection_error(ConnectionRefusedError(111, "Connection refused"))
    assert message.startswith("No Docker engine answers at unix:///var/run/docker.sock.")
    assert "Docker Desktop" in message and "systemctl start docker" in message
