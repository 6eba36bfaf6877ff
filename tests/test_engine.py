import pytest

from workbook.engine import (
    SUPPORTED_API,
    builder_name,
    connect,
    describe,
    engine_endpoint,
    explain_connection_error,
    image_store,
    uses_containerd_store,
    version_tuple,
)
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
    assert dict(facts.rows())["API in use: CLI"] == facts.negotiated_api


def test_without_docker_host_the_message_says_how_to_start_docker(monkeypatch):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    message = explain_connection_error(ConnectionRefusedError(111, "Connection refused"))
    assert message.startswith("No Docker engine answers at unix:///var/run/docker.sock.")
    assert "Docker Desktop" in message and "systemctl start docker" in message


def test_version_tuple_reads_the_leading_numbers():
    assert version_tuple("28.5.2+dfsg4") == (28, 5, 2)
    assert version_tuple("v2.40.3") == (2, 40, 3)
    assert version_tuple("1.44") == (1, 44)
    with pytest.raises(ValueError):
        version_tuple("unknown")


def test_the_engine_is_found_through_docker_host_else_the_context(monkeypatch, tmp_path):
    assert engine_endpoint({"DOCKER_HOST": "tcp://127.0.0.1:2375"}) == ("tcp://127.0.0.1:2375", "DOCKER_HOST")
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))  # no config.json: the built-in default context
    address, source = engine_endpoint({})
    assert source == "docker context 'default'" and address.startswith("unix://")


def test_image_store_is_read_from_docker_info():
    containerd = {"Driver": "overlayfs", "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]]}
    classic = {"Driver": "overlay2", "DriverStatus": [["Backing Filesystem", "extfs"], ["Supports d_type", "true"]]}
    assert image_store(containerd) == "containerd image store (overlayfs snapshotter)"
    assert image_store(classic) == "classic image store (overlay2 graph driver)"
    assert uses_containerd_store(containerd) and not uses_containerd_store(classic)


def test_docker_build_is_buildkit_unless_turned_off():
    assert builder_name("0.29.1", {}) == "BuildKit (buildx 0.29.1)"
    assert builder_name(None, {}) == "the legacy builder (no buildx plugin)"
    assert builder_name("0.29.1", {"DOCKER_BUILDKIT": "0"}) == "the legacy builder (DOCKER_BUILDKIT=0)"


def test_the_engine_meets_the_workbooks_minimum(client):
    facts = describe(client)
    assert facts.supported()
    assert version_tuple(facts.sdk_api) >= version_tuple(SUPPORTED_API)
