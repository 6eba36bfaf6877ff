"""Find the Docker engine and describe it, with clear errors when it is not there."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import docker.constants
import docker.errors
import requests

import docker
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


def engine_address(environ: Mapping[str, str] | None = None) -> str:
    """Where the CLI and the SDK send requests: DOCKER_HOST, else the current context, else the default socket.

    The same order as ``docker`` and ``docker.from_env()`` (SDK 7.2+), so the raw-API
    client, the recording proxy and the SDK all reach the same engine.
    """
    environ = os.environ if environ is None else environ
    if environ.get("DOCKER_HOST"):
        return environ["DOCKER_HOST"]
    name = current_context(environ)
    if name != "default":
        host = context_host(name, environ)
        if host:
            return host
    return default_address()


def unix_socket_path(address: str | None = None) -> str | None:
    """The file system path of a ``unix://`` engine address (default: ``engine_address()``); None otherwise."""
    address = engine_address() if address is None else address
    return address.removeprefix("unix://") if address.startswith("unix://") else None


def api_tuple(version: str) -> tuple[int, ...]:
    """``"1.44"`` -> ``(1, 44)``, so that API versions compare as numbers ("1.9" < "1.44")."""
    return tuple(int(part) for part in version.split("."))


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


@dataclass(frozen=True)
class EngineFacts:
    """The versions and settings a learner should know about the engine in use."""

    address: str
    client_version: str
    client_api: str
    server_version: str
    server_api: str
    server_min_api: str
    negotiated_api: str
    os_type: str
    storage_driver: str
    cgroup_driver: str
    root_dir: str

    def rows(self) -> list[tuple[str, str]]:
        """(name, value) pairs for a two-column table."""
        return [
            ("engine address", self.address),
            ("client (docker CLI)", f"{self.client_version}, speaks API up to {self.client_api}"),
            ("server (dockerd)", f"{self.server_version}, API {self.server_min_api} to {self.server_api}"),
            ("API version in use", self.negotiated_api),
            ("server OS type", self.os_type),
            ("storage driver", self.storage_driver),
            ("cgroup driver", self.cgroup_driver),
            ("data root", self.root_dir),
        ]


def cli_version() -> dict:
    """What ``docker version --format json`` says (client part always, server when reachable)."""
    docker_cli = shutil.which("docker")
    if docker_cli is None:
        raise EngineUnavailable("The `docker` command is not on PATH. Install the Docker CLI, then run `make setup`.")
    done = subprocess.run([docker_cli, "version", "--format", "{{json .}}"], capture_output=True, text=True)
    if not done.stdout.strip():
        raise EngineUnavailable(explain_connection_error(RuntimeError(done.stderr)))
    return json.loads(done.stdout)


def describe(client: docker.DockerClient) -> EngineFacts:
    """Collect the facts of the engine behind ``client`` and of the docker CLI."""
    server = client.version()
    info = client.info()
    cli = cli_version()["Client"]
    return EngineFacts(
        address=engine_address(),
        client_version=cli["Version"],
        client_api=cli.get("DefaultAPIVersion") or cli["ApiVersion"],
        server_version=server["Version"],
        server_api=server["ApiVersion"],
        server_min_api=server.get("MinAPIVersion", "?"),
        negotiated_api=cli["ApiVersion"],
        os_type=info.get("OSType", "?"),
        storage_driver=info.get("Driver", "?"),
        cgroup_driver=info.get("CgroupDriver", "?"),
        root_dir=info.get("DockerRootDir", "?"),
    )
