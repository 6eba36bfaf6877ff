import pytest

from workbook.engine import (
    MIN_API_VERSION,
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


def test_without_docker_host_the_message_says_how_to_start_docker(monkeypatch, tmp_path):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    message = explain_connection_error(ConnectionRefusedError(111, "Connection refused"))
    assert message.startswith("No Docker engine answers at unix:///var/run/docker.sock.")
    assert "Docker Desktop" in message and "systemctl start docker" in message


def _context(config_dir, name, host):
    """Write a docker context the way `docker context create` does (meta.json under the name's SHA-256)."""
    import hashlib
    import json

    meta = config_dir / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host}}}))


def test_engine_address_follows_docker_host_then_the_context_then_the_default(tmp_path):
    from workbook.engine import current_context, default_address, engine_address

    env = {"DOCKER_CONFIG": str(tmp_path)}
    assert engine_address(env) == default_address() == "unix:///var/run/docker.sock"
    _context(tmp_path, "elsewhere", "unix:///tmp/elsewhere.sock")
    (tmp_path / "config.json").write_text('{"currentContext": "elsewhere"}')
    assert current_context(env) == "elsewhere"
    assert engine_address(env) == "unix:///tmp/elsewhere.sock"
    _context(tmp_path, "other", "tcp://127.0.0.1:2375")
    assert engine_address({**env, "DOCKER_CONTEXT": "other"}) == "tcp://127.0.0.1:2375"
    assert engine_address({**env, "DOCKER_HOST": "unix:///tmp/host.sock"}) == "unix:///tmp/host.sock"


def test_an_unknown_or_default_context_means_the_default_socket(tmp_path):
    from workbook.engine import default_address, engine_address, unix_socket_path

    env = {"DOCKER_CONFIG": str(tmp_path), "DOCKER_CONTEXT": "default"}
    assert engine_address(env) == default_address()
    (tmp_path / "config.json").write_text("not json")
    assert engine_address({"DOCKER_CONFIG": str(tmp_path)}) == default_address()
    assert unix_socket_path("unix:///tmp/a.sock") == "/tmp/a.sock"
    assert unix_socket_path("tcp://127.0.0.1:2375") is None


def test_the_sdk_follows_the_same_context(tmp_path, monkeypatch):
    from docker.context import ContextAPI

    from workbook.engine import engine_address

    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    _context(tmp_path, "elsewhere", "unix:///tmp/elsewhere.sock")
    (tmp_path / "config.json").write_text('{"currentContext": "elsewhere"}')
    assert ContextAPI.kwargs_from_context()["base_url"] == engine_address() == "unix:///tmp/elsewhere.sock"


def test_minimum_constants():
    from workbook.engine import MIN_API_VERSION, MIN_ENGINE_MAJOR, version_tuple

    assert version_tuple(MIN_API_VERSION) == (1, 44) and MIN_ENGINE_MAJOR == 25
    assert version_tuple("1.9") < version_tuple("1.44")


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
    assert version_tuple(facts.sdk_api) >= version_tuple(MIN_API_VERSION)
