"""Tests for workbook.registry and workbook.checks.registry (a real engine where cheap)."""

from __future__ import annotations

import base64
import json
import subprocess

import pytest

from workbook import LABEL, registry
from workbook.checks import registry as checks
from workbook.docker_config import TempDockerConfig
from workbook.errors import CheckFailed
from workbook.ports import any_free_port

DIGEST = "sha256:" + "ab" * 32


# --- configuration, passwords, certificates ------------------------------------------------


def test_registry_config_sections():
    plain = registry.registry_config(delete=False)
    assert "rootdirectory: /var/lib/registry" in plain
    assert "delete:" not in plain and "auth:" not in plain and "tls:" not in plain
    full = registry.registry_config(htpasswd=True, tls=True, delete=True)
    assert "  delete:\n    enabled: true" in full
    assert f"path: {registry.CONFIG_DIR_IN_CONTAINER}/htpasswd" in full
    assert f"certificate: {registry.CONFIG_DIR_IN_CONTAINER}/server.crt" in full


def test_htpasswd_line_is_bcrypt_and_checks():
    line = registry.htpasswd_line("student", "pw", rounds=4)
    assert line.startswith("student:$2b$04$")
    assert registry.htpasswd_accepts(line, "student", "pw")
    assert not registry.htpasswd_accepts(line, "student", "other")
    assert not registry.htpasswd_accepts(line, "someone", "pw")
    with pytest.raises(ValueError):
        registry.htpasswd_line("a:b", "pw")


def test_tls_files_are_signed_by_the_ca(tmp_path):
    tls = registry.make_tls_files(tmp_path, ["127.0.0.1", "localhost", "10.1.2.3"])
    names = registry.certificate_names(tls.server_cert)
    assert names == ["IP Address:127.0.0.1", "DNS:localhost", "IP Address:10.1.2.3"]
    done = subprocess.run(
        ["openssl", "verify", "-CAfile", str(tls.ca_cert), str(tls.server_cert)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


# --- host paths and DOCKER_CONFIG -----------------------------------------------------------


def test_credential_helper_protocol(tmp_path):
    helper = registry.write_credential_helper(tmp_path)
    secret = json.dumps({"ServerURL": "r:1", "Username": "u", "Secret": "s"})
    assert subprocess.run([helper, "store"], input=secret, text=True).returncode == 0
    got = subprocess.run([helper, "get"], input="r:1", text=True, capture_output=True)
    assert json.loads(got.stdout) == {"ServerURL": "r:1", "Username": "u", "Secret": "s"}
    listed = subprocess.run([helper, "list"], text=True, capture_output=True)
    assert json.loads(listed.stdout) == {"r:1": "u"}
    subprocess.run([helper, "erase"], input="r:1", text=True, check=True)
    missing = subprocess.run([helper, "get"], input="r:1", text=True, capture_output=True)
    assert missing.returncode == 1 and "not found" in missing.stdout


# --- push / pull streams (fakes: the failure paths are rare on a real engine) ---------------


class FakeApi:
    def __init__(self, chunks):
        self.chunks = chunks

    def push(self, *args, **kwargs):
        return iter(self.chunks)

    def pull(self, *args, **kwargs):
        return iter(self.chunks)


class FakeClient:
    def __init__(self, chunks=(), info=None):
        self.api = FakeApi(list(chunks))
        self._info = info or {}

    def info(self):
        return self._info


def test_push_counts_layers_and_returns_digest():
    chunks = [
        {"status": "The push refers to repository [127.0.0.1:5000/app]"},
        {"status": "Preparing", "id": "aaaaaaaaaaaa"},
        {"status": "Preparing", "id": "bbbbbbbbbbbb"},
        {"status": "Pushing", "id": "aaaaaaaaaaaa"},
        {"status": "Layer already exists", "id": "bbbbbbbbbbbb"},
        {"status": "Pushed", "id": "aaaaaaaaaaaa"},
        {"status": "1.0: digest: x"},
        {"aux": {"Tag": "1.0", "Digest": DIGEST, "Size": 1}},
    ]
    lines: list[str] = []
    result = registry.push(FakeClient(chunks), "127.0.0.1:5000/app", "1.0", progress=lines.append)
    assert result.digest == DIGEST
    assert result.counts() == {"Layer already exists": 1, "Pushed": 1}
    assert result.summary() == "2 layers: 1 Layer already exists, 1 Pushed"
    assert lines[1:3] == ["  [1/2] layers done", "  [2/2] layers done"]


def test_push_raises_on_error_chunk():
    chunks = [{"status": "Preparing", "id": "aaaaaaaaaaaa"}, {"error": "no basic auth credentials"}]
    with pytest.raises(registry.PushFailed, match="docker login 127.0.0.1:5001"):
        registry.push(FakeClient(chunks), "127.0.0.1:5001/app", "1.0", progress=None)


def test_push_without_digest_is_an_error():
    with pytest.raises(registry.PushFailed, match="without a digest"):
        registry.push(FakeClient([{"status": "x"}]), "127.0.0.1:5001/app", "1.0", progress=None)


def test_push_takes_the_digest_from_the_status_line_without_aux():
    chunks = [
        {"status": "Preparing", "id": "aaaaaaaaaaaa"},
        {"status": "Pushed", "id": "aaaaaaaaaaaa"},
        {"status": f"1.0: digest: {DIGEST} size: 856"},
    ]  # what the containerd image store sends: no aux chunk with the digest
    result = registry.push(FakeClient(chunks), "127.0.0.1:5000/app", "1.0", progress=None)
    assert result.digest == DIGEST and result.counts() == {"Pushed": 1}


def test_explain_push_error_names_the_fix():
    assert "certs.d/10.0.0.2:5000/ca.crt" in registry.explain_push_error("x509: unknown authority", "10.0.0.2:5000/a")
    assert "Is the registry running" in registry.explain_push_error("connection refused", "127.0.0.1:1/a")


def test_pull_counts_and_raises():
    chunks = [
        {"status": "Already exists", "id": "aaaaaaaaaaaa"},
        {"status": "Downloading", "id": "bbbbbbbbbbbb"},
        {"status": "Pull complete", "id": "bbbbbbbbbbbb"},
        {"status": f"Digest: {DIGEST}"},
    ]
    lines: list[str] = []
    counts = registry.pull(FakeClient(chunks), "127.0.0.1:5000/app:1.0", progress=lines.append)
    assert counts == {"Already exists": 1, "Pull complete": 1} and lines == [f"Digest: {DIGEST}"]
    with pytest.raises(registry.RegistryError, match="manifest unknown"):
        registry.pull(FakeClient([{"error": "manifest unknown"}]), "127.0.0.1:5000/app", progress=None)


def test_summarize_cli_push():
    output = "\n".join(
        [
            "The push refers to repository [127.0.0.1:5001/flask-app]",
            "aaaaaaaaaaaa: Preparing",
            "bbbbbbbbbbbb: Preparing",
            "bbbbbbbbbbbb: Mounted from other/app",
            "aaaaaaaaaaaa: Pushed",
            f"1.0: digest: {DIGEST} size: 1989",
        ]
    )
    result = registry.summarize_cli_push(output)
    assert result.repository == "127.0.0.1:5001/flask-app" and result.tag == "1.0" and result.digest == DIGEST
    assert result.counts() == {"Mounted": 1, "Pushed": 1}
    assert registry.summarize_cli_push(output.splitlines()).digest == DIGEST
    assert result.report().splitlines() == [
        "The push refers to repository [127.0.0.1:5001/flask-app]",
        "  2 layers: 1 Mounted, 1 Pushed",
        f"1.0: digest: {DIGEST}",
    ]


def test_summarize_cli_push_without_digest_raises_the_daemons_words():
    output = ["The push refers to repository [127.0.0.1:5001/flask-app]", "no basic auth credentials"]
    with pytest.raises(registry.PushFailed, match="no basic auth credentials.*docker login 127.0.0.1:5001"):
        registry.summarize_cli_push(output)


def test_image_store_from_driver_status():
    containerd = FakeClient(info={"DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]]})
    classic = FakeClient(info={"Driver": "overlay2", "DriverStatus": [["Backing Filesystem", "extfs"]]})
    assert registry.image_store(containerd) == "containerd"
    assert registry.image_store(classic) == "classic"
    assert registry.image_store(FakeClient(info={})) == "classic"


def test_distribution_version():
    assert registry.distribution_version("registry github.com/docker/distribution 2.8.3+ds1") == (2, 8, 3)
    assert registry.distribution_version("registry github.com/distribution/distribution/v3 v3.0.0") == (3, 0, 0)
    with pytest.raises(registry.RegistryError):
        registry.distribution_version("registry")


# --- the daemon's view ---------------------------------------------------------------------


def test_insecure_ranges():
    client = FakeClient(info={"RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"]}})
    assert registry.daemon_treats_as_insecure(client, "127.0.0.1")
    assert registry.daemon_treats_as_insecure(client, "127.255.0.9")
    assert not registry.daemon_treats_as_insecure(client, "172.18.0.2")
    assert registry.insecure_cidrs(FakeClient(info={})) == []


def test_remote_engine_cannot_use_local_certs_d(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "tcp://10.0.0.5:2376")
    ok, why = registry.engine_is_local_and_root(FakeClient())
    assert not ok and "remote" in why


def test_docker_desktop_cannot_use_local_certs_d(monkeypatch):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    ok, why = registry.engine_is_local_and_root(FakeClient(info={"OperatingSystem": "Docker Desktop"}))
    assert not ok and "Docker Desktop" in why


def test_non_root_gets_one_line_about_certs_d(monkeypatch):
    import socket

    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    ok, line = registry.certs_d_answer(FakeClient(info={"Name": socket.gethostname()}), "10.0.0.2:5000")
    assert not ok and "\n" not in line
    assert "needs root" in line and "/etc/docker/certs.d/10.0.0.2:5000/ca.crt" in line and "Login Succeeded" in line


# --- a real registry on the engine -----------------------------------------------------------


@pytest.fixture(scope="module")
def engine():
    from workbook.cleanup import remove_labelled
    from workbook.engine import connect
    from workbook.errors import EngineUnavailable, ImageUnavailable
    from workbook.images import is_present, resolved

    try:
        client = connect(timeout=10)
        image = resolved("registry")
    except (EngineUnavailable, ImageUnavailable) as error:
        pytest.skip(str(error))
    if not is_present(client, image):
        pytest.skip(f"{image} is not on this engine; run `make setup`.")
    remove_labelled(client, "test-registry")
    yield client
    remove_labelled(client, "test-registry")


@pytest.fixture(scope="module")
def auth_registry(engine, tmp_path_factory):
    folder = tmp_path_factory.mktemp("auth-registry")
    (folder / "htpasswd").write_text(registry.htpasswd_line("u", "pw", rounds=4) + "\n")
    (folder / "config.yml").write_text(registry.registry_config(htpasswd=True))
    labels = {LABEL: "test-registry"}
    return registry.start_registry(
        engine, "wbtest-registry-auth", any_free_port(), labels, folder, volume="wbtest-registry-auth-data"
    )


def test_real_registry_api_and_checks(auth_registry):
    assert auth_registry.request("GET", "/v2/").status_code == 401
    auth_registry.auth = ("u", "pw")
    assert auth_registry.catalog() == []
    assert auth_registry.blobs() == []
    assert auth_registry.garbage_collect(dry_run=True) == []
    assert not auth_registry.has_manifest("nothing/here", "1.0")
    assert checks.check_credentials(auth_registry, "u", "pw")
    config = TempDockerConfig()
    try:
        config.write({"auths": {auth_registry.host: {"auth": base64.b64encode(b"u:pw").decode()}}})
        assert checks.check_credentials(auth_registry, "u", "pw", config)
        with pytest.raises(CheckFailed, match="not the login stored"):
            checks.check_credentials(auth_registry, "someone", "pw", config)
        with pytest.raises(CheckFailed, match="not the login stored"):
            checks.check_credentials(auth_registry, "u", "a-password-copied-from-elsewhere", config)
    finally:
        config.remove()
    with pytest.raises(CheckFailed, match="refused"):
        checks.check_credentials(auth_registry, "u", "wrong")
    with pytest.raises(CheckFailed, match="no repository"):
        checks.check_pushed(auth_registry, "exercise/flask-app", "v1", auth_registry.client)
    with pytest.raises(CheckFailed, match="never had exercise/flask-app"):
        checks.check_deleted(auth_registry, "exercise/flask-app", "v1")  # nothing done: no pass


def test_start_registry_needs_a_config(engine, tmp_path):
    with pytest.raises(registry.WorkbookError, match="config.yml is missing"):
        registry.start_registry(engine, "wbtest-registry-none", any_free_port(), {LABEL: "test-registry"}, tmp_path)


def test_network_with_fixed_subnet_allows_a_chosen_ip(engine):
    import ipaddress

    from workbook.images import resolved

    labels = {LABEL: "test-registry"}
    network, address = registry.network_with_fixed_subnet(engine, "wbtest-registry-net", labels)
    try:
        network.reload()
        config = network.attrs["IPAM"]["Config"][0]
        assert ipaddress.ip_address(address) == ipaddress.ip_address(config["Gateway"]) + 1
        endpoint = engine.api.create_endpoint_config(ipv4_address=address)
        container = engine.containers.run(
            resolved("registry"),
            ["sh", "-c", "hostname -i"],
            entrypoint=[],
            network="wbtest-registry-net",
            networking_config={"wbtest-registry-net": endpoint},
            labels=labels,
            detach=True,
        )
        container.wait(timeout=30)
        assert address in container.logs().decode()
        container.remove(force=True, v=True)  # the image declares VOLUME /var/lib/registry
    finally:
        network.remove()


def test_push_path_figure_has_three_boxes():
    import matplotlib

    matplotlib.use("Agg")
    fig = registry.push_path_figure()
    assert len(fig.axes[0].patches) == 3
    assert "daemon" in fig.axes[0].get_title()
