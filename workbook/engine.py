"""Find the Docker engine and describe it, with clear errors when it is not there."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.constants
import docker.errors
import requests

from workbook import imagestore
from workbook.errors import EngineUnavailable

MIN_API_VERSION = "1.44"
"""The oldest Engine API the workbook supports: Engine 25's, and the floor Engine 29 enforces."""

MIN_ENGINE_MAJOR = 25
"""The oldest Docker Engine release the workbook supports (it speaks API ``MIN_API_VERSION``)."""


START_DOCKER_HINT = (
    "Start Docker (Docker Desktop on macOS/Windows, `sudo systemctl start docker` on Linux, "
    "or `make setup` as root on Debian/Ubuntu, which installs and starts one), "
    "or point DOCKER_HOST at a running engine."
)


def default_address() -> str:
    """The SDK's built-in endpoint: its default Unix socket (the named pipe on Windows)."""
    if docker.constants.IS_WINDOWS_PLATFORM:
        return docker.constants.DEFAULT_NPIPE
    return docker.constants.DEFAULT_UNIX_SOCKET.removeprefix("http+")


def docker_config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The docker client's config folder: ``DOCKER_CONFIG``, else ``~/.docker``."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("DOCKER_CONFIG") or Path.home() / ".docker")


def current_context(environ: Mapping[str, str] | None = None) -> str:
    """The CLI's current context: ``DOCKER_CONTEXT``, else ``currentContext`` in config.json, else "default"."""
    environ = os.environ if environ is None else environ
    if environ.get("DOCKER_CONTEXT"):
        return environ["DOCKER_CONTEXT"]
    try:
        config = json.loads((docker_config_dir(environ) / "config.json").read_text())
    except (OSError, ValueError):
        return "default"
    return (config.get("currentContext") if isinstance(config, dict) else None) or "default"


def context_host(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The docker endpoint of context ``name``, from its meta.json (what `docker context inspect` shows).

    Contexts live in ``<config>/contexts/meta/<sha256 of the name>/meta.json``; when the
    file is missing the CLI is asked; None if neither knows the context.
    """
    environ = os.environ if environ is None else environ
    meta = docker_config_dir(environ) / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest() / "meta.json"
    try:
        return json.loads(meta.read_text())["Endpoints"]["docker"]["Host"] or None
    except (OSError, ValueError, KeyError, TypeError):
        pass
    docker_cli = shutil.which("docker")
    if docker_cli is None:
        return None
    done = subprocess.run(
        [docker_cli, "context", "inspect", name, "--format", "{{.Endpoints.docker.Host}}"],
        capture_output=True,
        text=True,
        env=dict(environ),
    )
    return done.stdout.strip() or None if done.returncode == 0 else None


def engine_endpoint(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Where the CLI and the SDK send requests, and why there: ``(address, source)``.

    The order is the CLI's and ``docker.from_env()``'s (SDK 7.2+): DOCKER_HOST, else the
    current context (DOCKER_CONTEXT or `docker context use`), else the default socket; so
    the raw-API client, the recording proxy and the SDK all reach the same engine.
    """
    environ = os.environ if environ is None else environ
    if environ.get("DOCKER_HOST"):
        return environ["DOCKER_HOST"], "DOCKER_HOST"
    name = current_context(environ)
    if name != "default":
        host = context_host(name, environ)
        if host:
            return host, f"docker context {name!r}"
    return default_address(), "docker context 'default'"


def engine_address(environ: Mapping[str, str] | None = None) -> str:
    """Where the CLI and the SDK send requests (see ``engine_endpoint``)."""
    return engine_endpoint(environ)[0]


def unix_socket_path(address: str | None = None) -> str | None:
    """The file system path of a ``unix://`` engine address (default: ``engine_address()``); None otherwise."""
    address = engine_address() if address is None else address
    return address.removeprefix("unix://") if address.startswith("unix://") else None


def version_tuple(version: str) -> tuple[int, ...]:
    """The leading numbers of a version: ``(28, 5, 2)`` from ``28.5.2+dfsg4``, ``(1, 44)`` from ``1.44``.

    Versions compare as numbers this way ("1.9" < "1.44").
    """
    match = re.match(r"v?(\d+(?:\.\d+)*)", version.strip())
    if match is None:
        raise ValueError(f"not a version: {version!r}")
    return tuple(int(part) for part in match.group(1).split("."))


def explain_connection_error(error: BaseException, address: str | None = None) -> str:
    """Turn a low-level connection error into one sentence with the fix."""
    address = address or engine_address()
    text = str(error)
    if "Permission denied" in text or isinstance(error, PermissionError):
        return (
            f"Permission denied on the Docker socket ({address}). "
            "Add yourself to the docker group (`sudo usermod -aG docker $USER`, then log in again) "
            "or run as root."
        )
    if os.environ.get("DOCKER_HOST"):
        return (
            f"No Docker engine answers at {address} (set by DOCKER_HOST). "
            "Start the engine it points at, or unset DOCKER_HOST to use the local one."
        )
    context = current_context()
    if context != "default":
        return (
            f"No Docker engine answers at {address} (the endpoint of the current docker context {context}). "
            "Start that engine, or `docker context use default`."
        )
    return f"No Docker engine answers at {address}. {START_DOCKER_HINT}"


def connect(timeout: int = 30) -> docker.DockerClient:
    """Return an SDK client for the engine that answers a ping, or raise EngineUnavailable."""
    address = engine_address()
    try:
        # from_env follows DOCKER_HOST, then the current context, as engine_address() does.
        client = docker.from_env(timeout=timeout)
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as error:
        raise EngineUnavailable(explain_connection_error(error, address)) from None
    return client


def image_store(info: Mapping) -> str:
    """Which image store the engine uses, from ``docker info``: containerd's, or the classic one."""
    if imagestore.image_store(info) == imagestore.CONTAINERD:
        return f"containerd image store ({info.get('Driver', '?')} snapshotter)"
    return f"classic image store ({info.get('Driver', '?')} graph driver)"


def uses_containerd_store(info: Mapping) -> bool:
    """True when the engine keeps images in containerd's image store (``docker info``'s driver-type)."""
    return imagestore.image_store(info) == imagestore.CONTAINERD


@dataclass(frozen=True)
class EngineFacts:
    """The versions and settings a learner should know about the engine in use."""

    address: str
    address_source: str
    client_version: str
    client_api: str
    server_version: str
    server_api: str
    server_min_api: str
    negotiated_api: str
    sdk_api: str
    os_type: str
    storage_driver: str
    image_store: str
    builder: str
    cgroup_driver: str

    def rows(self) -> list[tuple[str, str]]:
        """(name, value) pairs for a two-column table."""
        return [
            ("engine address", f"{self.address} (from {self.address_source})"),
            ("client (docker CLI)", f"{self.client_version}, speaks API up to {self.client_api}"),
            ("server (dockerd)", f"{self.server_version}, API {self.server_min_api} to {self.server_api}"),
            ("API in use: CLI", self.negotiated_api),
            ("API in use: Python SDK", self.sdk_api),
            ("image store", self.image_store),
            ("docker build", self.builder),
            ("server OS type", self.os_type),
        ]

    def supported(self) -> bool:
        """True when the engine is at least Engine 25 and speaks API 1.44 (the workbook's minimum)."""
        return version_tuple(self.server_version)[0] >= MIN_ENGINE_MAJOR and version_tuple(
            self.server_api
        ) >= version_tuple(MIN_API_VERSION)


def _docker_cli() -> str:
    docker_cli = shutil.which("docker")
    if docker_cli is None:
        raise EngineUnavailable("The `docker` command is not on PATH. Install the Docker CLI, then run `make setup`.")
    return docker_cli


def cli_version() -> dict:
    """What ``docker version --format json`` says (client part always, server when reachable)."""
    done = subprocess.run([_docker_cli(), "version", "--format", "{{json .}}"], capture_output=True, text=True)
    if not done.stdout.strip():
        raise EngineUnavailable(explain_connection_error(RuntimeError(done.stderr)))
    return json.loads(done.stdout)


def buildx_version() -> str | None:
    """The buildx plugin's version (``docker buildx version``'s second word), or None without buildx."""
    done = subprocess.run([_docker_cli(), "buildx", "version"], capture_output=True, text=True)
    words = done.stdout.split()
    return words[1] if done.returncode == 0 and len(words) >= 2 else None


def builder_name(buildx: str | None, environ: Mapping[str, str] | None = None) -> str:
    """What ``docker build`` runs: BuildKit through the buildx plugin, or the legacy builder."""
    environ = os.environ if environ is None else environ
    if environ.get("DOCKER_BUILDKIT") == "0":
        return "the legacy builder (DOCKER_BUILDKIT=0)"
    return f"BuildKit (buildx {buildx})" if buildx else "the legacy builder (no buildx plugin)"


def describe(client: docker.DockerClient) -> EngineFacts:
    """Collect the facts of the engine behind ``client``, of the docker CLI and of the SDK."""
    server = client.version()
    info = client.info()
    cli = cli_version()["Client"]
    address, source = engine_endpoint()
    return EngineFacts(
        address=address,
        address_source=source,
        client_version=cli["Version"],
        client_api=cli.get("DefaultAPIVersion") or cli["ApiVersion"],
        server_version=server["Version"],
        server_api=server["ApiVersion"],
        server_min_api=server.get("MinAPIVersion", "?"),
        negotiated_api=cli["ApiVersion"],
        sdk_api=client.api.api_version,
        os_type=info.get("OSType", "?"),
        storage_driver=info.get("Driver", "?"),
        image_store=image_store(info),
        builder=builder_name(buildx_version()),
        cgroup_driver=info.get("CgroupDriver", "?"),
    )
