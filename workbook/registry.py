"""A private registry on the learner's machine: start it, push to it, read its HTTP API.

The registry is the image ``make setup`` resolved for the role "registry" (the official
``registry:3`` where it can be pulled, else the Debian-built substitute: distribution 2.8
with registry:3's layout, config at ``/etc/distribution/config.yml``). Everything here talks
to 127.0.0.1 or to a container the notebook created; nothing is sent anywhere else.

Host files the notebook makes (registry configuration folders, a temporary
``DOCKER_CONFIG``, ``/etc/docker/certs.d/<host:port>/``) are recorded with
``track_path`` so that ``remove_tracked_paths`` deletes them even after an
interrupted run.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import bcrypt
import docker
import docker.errors
import requests

from workbook import imagestore
from workbook.cleanup import track_path
from workbook.errors import ServiceNotReady, WorkbookError

if TYPE_CHECKING:
    from workbook.docker_config import TempDockerConfig

MANIFEST_TYPES = (
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
)
"""The manifest media types a current client accepts; without them distribution 2.8
converts the manifest to the old schema 1 and the digest you read changes."""

MANIFEST_ACCEPT = ", ".join(MANIFEST_TYPES)

EMPTY_LAYER = "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"
"""The gzipped empty tar that schema 1 manifests list for history entries without a layer;
distribution stores it when it converts a manifest to schema 1."""

CONFIG_DIR_IN_CONTAINER = "/etc/workbook-registry"
"""Where the notebook's own configuration folder is mounted (read-only) in a registry."""

DATA_DIR = "/var/lib/registry"
CERTS_D = Path("/etc/docker/certs.d")

"""The ``DriverStatus`` pair that ``docker info`` shows when images live in containerd's store."""

ATTESTATION = "attestation-manifest"
"""``vnd.docker.reference.type`` of the manifests BuildKit adds to an index (provenance)."""


class RegistryError(WorkbookError):
    """A registry operation failed; the message says what the registry answered."""


class PushFailed(RegistryError):
    """``docker push`` (through the SDK) reported an error in its stream."""


# ----------------------------------------------------------------------------------------
# Configuration, passwords, certificates


def registry_config(htpasswd: bool = False, tls: bool = False, delete: bool = True) -> str:
    """A distribution 2.8 ``config.yml``: storage on the volume, optional auth/TLS/delete.

    Paths of the htpasswd file and the certificate point into the configuration
    folder mounted at ``CONFIG_DIR_IN_CONTAINER``.
    """
    lines = [
        "version: 0.1",
        "log:",
        "  level: warn",
        "storage:",
        "  filesystem:",
        f"    rootdirectory: {DATA_DIR}",
    ]
    if delete:
        lines += ["  delete:", "    enabled: true"]
    lines += ["http:", "  addr: :5000", "  secret: workbook-not-a-secret"]
    if tls:
        lines += [
            "  tls:",
            f"    certificate: {CONFIG_DIR_IN_CONTAINER}/server.crt",
            f"    key: {CONFIG_DIR_IN_CONTAINER}/server.key",
        ]
    if htpasswd:
        lines += [
            "auth:",
            "  htpasswd:",
            "    realm: workbook-registry",
            f"    path: {CONFIG_DIR_IN_CONTAINER}/htpasswd",
        ]
    return "\n".join(lines) + "\n"


def htpasswd_line(user: str, password: str, rounds: int = 10) -> str:
    """One htpasswd line ``user:$2b$…`` with a bcrypt hash (the only kind distribution 2.8 accepts)."""
    if ":" in user:
        raise ValueError("An htpasswd user name cannot contain ':'.")
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()
    return f"{user}:{hashed}"


def htpasswd_accepts(line: str, user: str, password: str) -> bool:
    """True when the htpasswd ``line`` is for ``user`` and its hash matches ``password``."""
    name, _, hashed = line.strip().partition(":")
    return name == user and bcrypt.checkpw(password.encode(), hashed.encode())


@dataclass(frozen=True)
class TlsFiles:
    """A self-signed CA and a server certificate signed by it."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    names: tuple[str, ...]


def _openssl(*args: str, cwd: Path) -> None:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise WorkbookError(f"`openssl {args[0]}` failed: {done.stderr.strip()[-300:]}")


def make_tls_files(folder: Path, names: list[str], days: int = 2) -> TlsFiles:
    """Make ``ca.crt`` (a throwaway CA) and ``server.crt``/``server.key`` for ``names``.

    ``names`` are the host names and IP addresses the server certificate is valid
    for (its subjectAltName). Uses the openssl command line tool.
    """
    if shutil.which("openssl") is None:
        raise WorkbookError("The openssl command is missing; install it (`apt-get install openssl`) and run again.")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    alt = ",".join(f"IP:{n}" if _is_ip(n) else f"DNS:{n}" for n in names)
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", str(days),
        "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=Workbook throwaway CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-sha256",
        "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=workbook-registry",
        cwd=folder,
    )  # fmt: skip
    (folder / "server.ext").write_text(
        f"subjectAltName={alt}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", str(days), "-sha256", "-out", "server.crt", "-extfile", "server.ext",
        cwd=folder,
    )  # fmt: skip
    return TlsFiles(folder / "ca.crt", folder / "server.crt", folder / "server.key", tuple(names))


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def certificate_names(cert: Path) -> list[str]:
    """The subjectAltName entries of a PEM certificate, as openssl prints them."""
    done = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-noout", "-ext", "subjectAltName"], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise WorkbookError(f"openssl could not read {cert}: {done.stderr.strip()}")
    return [part.strip() for part in done.stdout.splitlines()[-1].split(",") if part.strip()]


# ----------------------------------------------------------------------------------------
# Which registries the daemon treats as insecure, and trusting a CA through certs.d


def engine_is_local_and_root(client: docker.DockerClient) -> tuple[bool, str]:
    """Can this process give the engine a CA through ``/etc/docker/certs.d``? (answer, reason)."""
    host = os.environ.get("DOCKER_HOST", "")
    if host and not host.startswith("unix://"):
        return False, f"the engine is remote (DOCKER_HOST={host}); its certs.d folder is on that machine"
    info = client.info()
    if "Docker Desktop" in info.get("OperatingSystem", "") or info.get("Name") != socket.gethostname():
        return False, "the engine runs in another machine or VM (Docker Desktop?), not on this host"
    if any("rootless" in option for option in info.get("SecurityOptions", [])):
        return False, "the engine is rootless; it reads ~/.config/docker/certs.d instead"
    if os.geteuid() != 0:
        return False, f"writing {CERTS_D} needs root (sudo), and this runs as uid {os.geteuid()}"
    return True, "the engine runs on this host as root and reads /etc/docker/certs.d"


def image_store(client: docker.DockerClient) -> str:
    """'containerd' when ``docker info`` reports the containerd image store, else 'classic'."""
    return imagestore.image_store(client.info())


def distribution_version(line: str) -> tuple[int, ...]:
    """The version in ``registry --version``'s line: ``'… distribution 2.8.3+ds1'`` -> (2, 8, 3)."""
    match = re.search(r"\bv?(\d+)\.(\d+)(?:\.(\d+))?", line.split()[-1] if line.split() else "")
    if not match:
        raise RegistryError(f"No version in the registry's answer: {line!r}")
    return tuple(int(part) for part in match.groups() if part is not None)


def certs_d_answer(client: docker.DockerClient, host_port: str) -> tuple[bool, str]:
    """Can this process install a CA for ``host_port``? (answer, one line saying why or why not).

    The negative line says what a root user on a Linux host with a local engine does instead.
    """
    ok, why = engine_is_local_and_root(client)
    if ok:
        return True, why
    return False, (
        f"Cannot install the CA here: {why}. As root on a Linux host with a local engine, the file "
        f"{CERTS_D}/{host_port}/ca.crt makes `docker login {host_port}` answer 'Login Succeeded'."
    )


def insecure_cidrs(client: docker.DockerClient) -> list[str]:
    """The address ranges the daemon treats as insecure registries (HTTP allowed, TLS unchecked)."""
    return list(client.info().get("RegistryConfig", {}).get("InsecureRegistryCIDRs") or [])


def daemon_treats_as_insecure(client: docker.DockerClient, address: str) -> bool:
    """True when ``address`` (an IP) lies in one of the daemon's insecure registry ranges."""
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(cidr) for cidr in insecure_cidrs(client))


def trust_ca(notebook: str, host_port: str, ca_cert: Path) -> Path:
    """Install ``ca_cert`` as ``/etc/docker/certs.d/<host_port>/ca.crt``; tracked for removal."""
    folder = CERTS_D / host_port
    track_path(notebook, folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "ca.crt"
    shutil.copyfile(ca_cert, target)
    return target


# ----------------------------------------------------------------------------------------
# Networks: an address the daemon does not treat as insecure


def network_with_fixed_subnet(
    client: docker.DockerClient, name: str, labels: dict[str, str]
) -> tuple[docker.models.networks.Network, str]:
    """A bridge network whose subnet is pinned, so containers may get a chosen ``--ip``.

    Docker only honours ``--ip`` on networks created with an explicit subnet. The
    engine picks a free one first; the network is then recreated with that subnet.
    Returns the network and the first address after the gateway.
    """
    for attempt in range(3):
        probe = client.networks.create(name, driver="bridge", labels=labels)
        probe.reload()
        config = probe.attrs["IPAM"]["Config"][0]
        subnet, gateway = config["Subnet"], config["Gateway"]
        probe.remove()
        ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet, gateway=gateway)])
        try:
            network = client.networks.create(name, driver="bridge", labels=labels, ipam=ipam)
        except docker.errors.APIError as error:
            if attempt == 2 or "overlap" not in str(error).lower():
                raise  # "overlaps": another network took the subnet in between; ask again
            continue
        return network, str(ipaddress.ip_address(gateway) + 1)
    raise AssertionError("unreachable")


# ----------------------------------------------------------------------------------------
# The registry itself


@dataclass(frozen=True)
class Manifest:
    """What the registry answered for a manifest request."""

    digest: str
    media_type: str
    body: dict
    size: int


@dataclass
class Registry:
    """A running registry container and how to reach its HTTP API from this host."""

    client: docker.DockerClient
    container: docker.models.containers.Container
    host: str
    scheme: str = "http"
    auth: tuple[str, str] | None = None
    ca_cert: Path | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (or https)."""
        return f"{self.scheme}://{self.host}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:  # noqa: ANN003 - requests' kwargs
        """One HTTP request to the registry API, with its credentials and CA when set."""
        kwargs.setdefault("auth", self.auth)
        kwargs.setdefault("timeout", 10)
        if self.scheme == "https":
            kwargs.setdefault("verify", str(self.ca_cert) if self.ca_cert else True)
        return requests.request(method, f"{self.url}{path}", **kwargs)

    def catalog(self) -> list[str]:
        """``GET /v2/_catalog``: the repositories."""
        return self._json("GET", "/v2/_catalog")["repositories"]

    def tags(self, repository: str) -> list[str]:
        """``GET /v2/<repository>/tags/list``: its tags, sorted ([] when none are left)."""
        return sorted(self._json("GET", f"/v2/{repository}/tags/list").get("tags") or [])

    def manifest(self, repository: str, reference: str, accept: str | None = MANIFEST_ACCEPT) -> Manifest:
        """``GET /v2/<repository>/manifests/<tag or digest>`` with the Accept header (None: none)."""
        headers = {"Accept": accept} if accept else {}
        response = self.request("GET", f"/v2/{repository}/manifests/{reference}", headers=headers)
        if response.status_code != 200:
            raise RegistryError(f"{repository}:{reference}: HTTP {response.status_code} {response.text.strip()}")
        return Manifest(
            digest=response.headers.get("Docker-Content-Digest", ""),
            media_type=response.headers.get("Content-Type", ""),
            body=response.json(),
            size=len(response.content),
        )

    def image_manifest(self, repository: str, reference: str) -> Manifest:
        """The image manifest behind a tag or digest, following an index to its image entry.

        The containerd image store pushes what BuildKit made: an index holding the image
        manifest and an attestation manifest. The classic store pushes the image manifest itself.
        """
        top = self.manifest(repository, reference)
        for entry in top.body.get("manifests", []):
            if (entry.get("annotations") or {}).get("vnd.docker.reference.type") != ATTESTATION:
                return self.manifest(repository, entry["digest"])
        return top

    def references(self, repository: str, reference: str) -> set[str]:
        """Every blob a manifest or index reaches: itself, child manifests, configs, layers."""
        top = self.manifest(repository, reference)
        found = {top.digest}
        for entry in top.body.get("manifests", []):
            found |= self.references(repository, entry["digest"])
        if "config" in top.body:
            found.add(top.body["config"]["digest"])
        found |= {layer["digest"] for layer in top.body.get("layers", [])}
        return found

    def all_layers(self, repository: str, reference: str) -> list[str]:
        """The layer digests of a manifest, or of every manifest an index lists (attestations too)."""
        top = self.manifest(repository, reference)
        layers = [layer["digest"] for layer in top.body.get("layers", [])]
        for entry in top.body.get("manifests", []):
            layers += self.all_layers(repository, entry["digest"])
        return layers

    def child_manifests(self, repository: str, reference: str) -> list[str]:
        """The digests of the manifests an index lists ([] for a plain image manifest)."""
        return [entry["digest"] for entry in self.manifest(repository, reference).body.get("manifests", [])]

    def delete_with_children(self, repository: str, digest: str) -> list[int]:
        """DELETE a manifest by digest and, for an index, each manifest it lists; the status codes.

        An index's entries are manifests of the repository in their own right: deleting the
        index alone leaves them (and every blob they use) in place for the garbage collector.
        """
        children = self.child_manifests(repository, digest)
        return [self.delete_manifest(repository, ref).status_code for ref in [digest, *children]]

    def has_manifest(self, repository: str, reference: str) -> bool:
        """``HEAD`` the manifest: True on 200, False on 404."""
        response = self.request("HEAD", f"/v2/{repository}/manifests/{reference}", headers={"Accept": MANIFEST_ACCEPT})
        if response.status_code not in (200, 404):
            raise RegistryError(f"HEAD {repository}:{reference}: HTTP {response.status_code}")
        return response.status_code == 200

    def delete_manifest(self, repository: str, reference: str) -> requests.Response:
        """``DELETE /v2/<repository>/manifests/<reference>`` (distribution 2.8 wants a digest)."""
        return self.request("DELETE", f"/v2/{repository}/manifests/{reference}")

    def blobs(self) -> list[str]:
        """The blob digests stored on the registry's volume (layers, configs, manifests)."""
        code, output = self.container.exec_run(
            ["find", f"{DATA_DIR}/docker/registry/v2/blobs", "-name", "data", "-type", "f"]
        )
        if code != 0:
            return []  # no blob folder yet: nothing was pushed
        return sorted("sha256:" + Path(line).parent.name for line in output.decode().split())

    def garbage_collect(
        self, config: str = f"{CONFIG_DIR_IN_CONTAINER}/config.yml", dry_run: bool = False
    ) -> list[str]:
        """Run ``registry garbage-collect`` in the container; return the blobs it deleted.

        With ``dry_run`` nothing is deleted and the blobs that would be are returned.
        """
        command = ["registry", "garbage-collect", *(["--dry-run"] if dry_run else []), config]
        code, output = self.container.exec_run(command)
        text = output.decode(errors="replace")
        if code != 0 and "Path not found: /docker/registry/v2/repositories" in text:
            return []  # nothing was ever pushed: nothing to collect
        if code != 0:
            raise RegistryError(f"garbage-collect exited with {code}: {text.strip()[-300:]}")
        return re.findall(r"blob eligible for deletion: (sha256:[0-9a-f]{64})", text)

    def _json(self, method: str, path: str) -> dict:
        response = self.request(method, path)
        if response.status_code != 200:
            raise RegistryError(f"{method} {path}: HTTP {response.status_code} {response.text.strip()}")
        return response.json()


def describe_manifest_answer(response: requests.Response) -> str:
    """One line for a manifest answer: status and Content-Type (schemaVersion), or the error code and message."""
    if response.status_code == 200:
        body = response.json()
        return f"200 {response.headers.get('Content-Type', '')} (schemaVersion {body.get('schemaVersion')})"
    try:
        error = response.json()["errors"][0]
        detail = f"{error['code']}: {error['message']}"
    except (ValueError, KeyError, IndexError, TypeError):
        detail = response.text.strip()[:200]
    return f"{response.status_code} {detail}"


def wait_for_registry(registry: Registry, timeout: float = 30.0) -> requests.Response:
    """Wait until ``/v2/`` answers (200, or 401 when it wants credentials)."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        try:
            response = registry.request("GET", "/v2/", auth=None, timeout=2)
            if response.status_code in (200, 401):
                return response
            last = f"HTTP {response.status_code}"
        except requests.RequestException as error:
            last = type(error).__name__
        registry.container.reload()
        if registry.container.status not in ("created", "running"):
            logs = registry.container.logs(tail=5).decode(errors="replace").strip()
            raise ServiceNotReady(f"The registry container {registry.container.name} stopped: {logs}")
        time.sleep(0.2)
    raise ServiceNotReady(f"{registry.url}/v2/ did not answer within {timeout:g} s (last: {last}).")


def connect_registry(
    client: docker.DockerClient,
    name: str,
    scheme: str = "http",
    auth: tuple[str, str] | None = None,
    ca_cert: Path | None = None,
    timeout: float = 30.0,
) -> Registry:
    """The registry container ``name`` (``docker run -p 127.0.0.1:…:5000``), once ``/v2/`` answers.

    The host port is read from the engine, so ``-p 127.0.0.1::5000`` (a port the engine
    chooses) works as well as a fixed one.
    """
    container = client.containers.get(name)
    deadline = time.monotonic() + timeout
    while True:
        container.reload()
        bindings = (container.ports or {}).get("5000/tcp")
        if bindings:
            break
        if container.status not in ("created", "running") or time.monotonic() > deadline:
            logs = container.logs(tail=5).decode(errors="replace").strip()
            raise ServiceNotReady(f"The registry container {name} publishes no port 5000 ({container.status}): {logs}")
        time.sleep(0.2)
    registry = Registry(client, container, f"127.0.0.1:{bindings[0]['HostPort']}", scheme, auth, ca_cert)
    wait_for_registry(registry, timeout)
    return registry


def start_registry(
    client: docker.DockerClient,
    name: str,
    port: int,
    labels: dict[str, str],
    config_dir: Path,
    volume: str | None = None,
    image: str | None = None,
    network: str | None = None,
    ip: str | None = None,
    auth: tuple[str, str] | None = None,
    ca_cert: Path | None = None,
) -> Registry:
    """Run a registry published on 127.0.0.1:``port`` and wait until ``/v2/`` answers.

    ``config_dir`` holds ``config.yml`` (and the htpasswd file / certificate it names)
    and is mounted read-only at ``CONFIG_DIR_IN_CONTAINER``; ``volume`` (a named,
    labelled volume, created when missing) holds the images at ``/var/lib/registry``.
    TLS is on when ``config.yml`` has an ``http.tls`` section.
    """
    from workbook.images import resolved

    config_dir = Path(config_dir)
    if not (config_dir / "config.yml").exists():
        raise WorkbookError(f"{config_dir}/config.yml is missing; write it with registry_config() first.")
    volume = volume or f"{name}-data"
    try:
        client.volumes.get(volume)
    except docker.errors.NotFound:
        client.volumes.create(volume, labels=labels)
    tls = "\n  tls:" in (config_dir / "config.yml").read_text()
    kwargs: dict = {}
    if network:
        kwargs["network"] = network
        if ip:
            kwargs["networking_config"] = {network: client.api.create_endpoint_config(ipv4_address=ip)}
    container = client.containers.run(
        image or resolved("registry"),
        [f"{CONFIG_DIR_IN_CONTAINER}/config.yml"],
        name=name,
        detach=True,
        labels=labels,
        ports={"5000/tcp": ("127.0.0.1", port)},
        volumes={
            volume: {"bind": DATA_DIR, "mode": "rw"},
            str(config_dir): {"bind": CONFIG_DIR_IN_CONTAINER, "mode": "ro"},
        },
        **kwargs,
    )
    registry = Registry(client, container, f"127.0.0.1:{port}", "https" if tls else "http", auth, ca_cert)
    wait_for_registry(registry)
    return registry


def container_address(container: docker.models.containers.Container, network: str) -> str:
    """The container's IPv4 address on ``network``."""
    container.reload()
    return container.attrs["NetworkSettings"]["Networks"][network]["IPAddress"]


# ----------------------------------------------------------------------------------------
# Push, with progress, raising on errors the SDK only reports in its stream


@dataclass
class PushResult:
    """What a push did: the manifest digest, and the final status of every layer."""

    repository: str
    tag: str
    digest: str = ""
    layers: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """How many layers ended in each status ('Pushed', 'Layer already exists', …), sorted."""
        result: dict[str, int] = {}
        for status in self.layers.values():
            result[status] = result.get(status, 0) + 1
        return dict(sorted(result.items()))

    def summary(self) -> str:
        """'8 layers: 8 Pushed' — stable from run to run."""
        parts = ", ".join(f"{n} {status}" for status, n in self.counts().items())
        return f"{len(self.layers)} layers: {parts}"

    def report(self) -> str:
        """The push in three stable lines: repository, what happened to the layers, the digest."""
        return (
            f"The push refers to repository [{self.repository}]\n  {self.summary()}\n{self.tag}: digest: {self.digest}"
        )


FINAL_STATUSES = ("Pushed", "Layer already exists", "Already exists")
"""How a layer's push ends; the containerd store says 'Already exists' for an attestation's layer."""
DIGEST_LINE = re.compile(r"^(\S+): digest: (sha256:[0-9a-f]{64}) size: \d+$")
"""The daemon's last line of a push; the classic store also sends the digest as ``aux``."""


def explain_push_error(message: str, repository: str) -> str:
    """The daemon's push error in one sentence, with the fix where we know it."""
    host = repository.split("/", 1)[0]
    if "no basic auth credentials" in message or "unauthorized" in message.lower():
        return (
            f"Pushing {repository} was refused: {message}. "
            f"The registry wants credentials: `docker login {host}` first (or pass auth_config)."
        )
    if "certificate" in message or "x509" in message:
        return (
            f"Pushing {repository} failed: {message}. The daemon does not trust the registry's certificate: "
            f"put its CA in /etc/docker/certs.d/{host}/ca.crt."
        )
    if "connection refused" in message:
        return f"Pushing {repository} failed: {message}. Is the registry running and published on {host}?"
    return f"Pushing {repository} failed: {message}"


def push(
    client: docker.DockerClient,
    repository: str,
    tag: str,
    auth_config: dict | None = None,
    progress: Callable[[str], None] | None = print,
) -> PushResult:
    """``docker push repository:tag`` through the SDK, progress shown, errors raised.

    ``progress`` receives ``[n/m] layers done`` as each layer finishes (stable, unlike
    the order in which layers finish) and the daemon's digest line. ``auth_config``
    ``{}`` pushes anonymously; None lets the SDK use its loaded docker config.
    The SDK does not raise on an error in the stream; this function raises PushFailed.
    """
    result = PushResult(repository, tag)
    preparing: list[str] = []
    for chunk in client.api.push(repository, tag, stream=True, decode=True, auth_config=auth_config):
        if "error" in chunk:
            detail = (chunk.get("errorDetail") or {}).get("message") or chunk["error"]
            raise PushFailed(explain_push_error(detail.strip(), repository))
        status = chunk.get("status", "")
        layer = chunk.get("id")
        if layer and status in ("Preparing", "Waiting") and layer not in preparing:
            preparing.append(layer)
        elif layer and (status in FINAL_STATUSES or status.startswith("Mounted from")):
            if layer not in result.layers:
                result.layers[layer] = "Mounted" if status.startswith("Mounted from") else status
                if progress is not None:
                    progress(f"  [{len(result.layers)}/{len(preparing)}] layers done")
        elif status.startswith("The push refers to repository") and progress is not None:
            progress(status)
        aux = chunk.get("aux") or {}
        if "Digest" in aux:
            result.digest = aux["Digest"]
        pushed = DIGEST_LINE.match(status)
        if pushed and not result.digest:
            result.digest = pushed.group(2)  # the containerd image store sends no aux digest here
    if not result.digest:
        raise PushFailed(f"Pushing {repository}:{tag} ended without a digest; is the tag there (`docker images`)?")
    if progress is not None:
        progress(f"{tag}: digest: {result.digest} ({result.summary()})")
    return result


# ----------------------------------------------------------------------------------------
# A temporary DOCKER_CONFIG: credentials never land in the user's ~/.docker


def summarize_cli_push(output: str | list[str]) -> PushResult:
    """Read ``docker push``'s plain output (text or lines): each layer's last status and the digest.

    Raises PushFailed with the daemon's words when the output has no digest line.
    """
    lines = output.splitlines() if isinstance(output, str) else [str(line) for line in output]
    result = PushResult(repository="", tag="")
    for line in lines:
        if line.startswith("The push refers to repository ["):
            result.repository = line.split("[", 1)[1].rstrip("]")
        match = re.match(r"^([0-9a-f]{12}): (Pushed|Layer already exists|Already exists|Mounted from .*)$", line)
        if match:
            result.layers[match.group(1)] = "Mounted" if match.group(2).startswith("Mounted") else match.group(2)
        match = DIGEST_LINE.match(line)
        if match:
            result.tag, result.digest = match.group(1), match.group(2)
    if not result.digest:
        last = next((line.strip() for line in reversed(lines) if line.strip()), "no output")
        raise PushFailed(explain_push_error(last, result.repository or "the registry"))
    return result


def pull(
    client: docker.DockerClient,
    reference: str,
    auth_config: dict | None = None,
    progress: Callable[[str], None] | None = print,
) -> dict[str, int]:
    """``docker pull reference`` through the SDK; returns how many layers ended in each status.

    Layers already on the machine say 'Already exists'; downloaded ones 'Pull complete'.
    Raises RegistryError when the stream reports an error.
    """
    repository, sep, tag = reference.rpartition(":")
    if "@" in reference:
        repository, sep, tag = reference.partition("@")
    elif not sep or "/" in tag:
        repository, tag = reference, "latest"
    finals: dict[str, str] = {}
    for chunk in client.api.pull(repository, tag, stream=True, decode=True, auth_config=auth_config):
        if "error" in chunk:
            detail = (chunk.get("errorDetail") or {}).get("message") or chunk["error"]
            raise RegistryError(f"Pulling {reference} failed: {detail.strip()}")
        status, layer = chunk.get("status", ""), chunk.get("id")
        if layer and status in ("Already exists", "Pull complete"):
            finals[layer] = status
        elif status.startswith(("Digest:", "Status:")) and progress is not None:
            progress(status)
    counts: dict[str, int] = {}
    for status in finals.values():
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))


CREDENTIAL_HELPER = '''#!/usr/bin/env python3
"""docker-credential-workbook: a toy credential helper (the protocol of docker-credential-*).

The docker CLI runs it with one argument (store, get, erase, list) and talks JSON on
stdin/stdout. Real helpers keep the secret in the OS keychain (osxkeychain, wincred,
secretservice, pass, desktop); this one keeps it in a file next to itself.
"""
import json, pathlib, sys

vault = pathlib.Path(__file__).with_name("vault.json")
data = json.loads(vault.read_text()) if vault.exists() else {}
action = sys.argv[1]
if action == "store":
    entry = json.load(sys.stdin)
    data[entry["ServerURL"]] = {"Username": entry["Username"], "Secret": entry["Secret"]}
elif action == "get":
    url = sys.stdin.read().strip()
    if url not in data:
        print("credentials not found in native keychain")
        sys.exit(1)
    print(json.dumps({"ServerURL": url, **data[url]}))
elif action == "erase":
    data.pop(sys.stdin.read().strip(), None)
elif action == "list":
    print(json.dumps({url: entry["Username"] for url, entry in data.items()}))
vault.write_text(json.dumps(data))
'''


def login_unknown_user(notebook: str, htpasswd: Path, host: str) -> TempDockerConfig:
    """Add a random user and password to ``htpasswd`` and ``docker login`` them into a fresh DOCKER_CONFIG.

    The password is returned nowhere: only that folder's ``config.json`` holds it (base64),
    which is what exercise 2 asks the learner to read. The registry re-reads its htpasswd
    file when the file changes. Raises RegistryError when the login fails.
    """
    from workbook.docker_config import TempDockerConfig

    user, password = f"learner-{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    with Path(htpasswd).open("a") as file:
        file.write(htpasswd_line(user, password) + "\n")
    config = TempDockerConfig(notebook)
    done = subprocess.run(
        ["docker", "login", "-u", user, "--password-stdin", host],
        input=password,
        env={**os.environ, **config.env},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RegistryError(f"docker login {host} as a new user failed: {(done.stderr or done.stdout).strip()}")
    return config


def write_credential_helper(folder: Path, name: str = "workbook") -> Path:
    """Write the toy ``docker-credential-<name>`` into ``folder`` (executable) and return its path."""
    path = Path(folder) / f"docker-credential-{name}"
    path.write_text(CREDENTIAL_HELPER)
    path.chmod(0o755)
    return path


def push_path_figure():  # noqa: ANN201 - a matplotlib Figure; matplotlib is imported lazily
    """A picture of who talks to whom in ``docker login``/``push``: CLI → dockerd → registry."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=(9, 2.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 3)
    ax.axis("off")
    boxes = [
        (0.2, "docker CLI\n(reads DOCKER_CONFIG:\nconfig.json, credsStore)"),
        (3.7, "dockerd\n(insecure ranges,\n/etc/docker/certs.d)"),
        (7.2, "registry\n(htpasswd, TLS,\nblobs + manifests)"),
    ]
    for x, text in boxes:
        ax.add_patch(FancyBboxPatch((x, 0.7), 2.6, 1.6, boxstyle="round,pad=0.05", fc="#e8f0fe", ec="#3367d6"))
        ax.text(x + 1.3, 1.5, text, ha="center", va="center", fontsize=9)
    arrows = [(2.85, 3.65, "Engine API\n+ X-Registry-Auth"), (6.35, 7.15, "HTTP(S) /v2/…\n+ Basic auth")]
    for start, end, label in arrows:
        ax.annotate("", xy=(end, 1.5), xytext=(start, 1.5), arrowprops={"arrowstyle": "->", "lw": 1.5})
        ax.text((start + end) / 2, 2.55, label, ha="center", va="center", fontsize=8)
    ax.set_title("docker login / push / pull: the daemon, not the CLI, talks to the registry", fontsize=10)
    return fig
