"""Find the Docker engine and describe it, with clear errors when it is not there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass

import docker.errors
import requests

import docker
from workbook.errors import EngineUnavailable

DEFAULT_SOCKET = "unix:///var/run/docker.sock"

START_DOCKER_HINT = (
    "Start Docker (Docker Desktop on macOS/Windows, `sudo systemctl start docker` on Linux, "
    "or `make setup` as root on Debian/Ubuntu, which installs and starts one), "
    "or point DOCKER_HOST at a running engine."
)


def engine_address() -> str:
    """Where the client looks for the engine: DOCKER_HOST, else the default socket."""
    return os.environ.get("DOCKER_HOST") or DEFAULT_SOCKET


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
    return f"No Docker engine answers at {address}. {START_DOCKER_HINT}"


def connect(timeout: int = 30) -> docker.DockerClient:
    """Return an SDK client for the engine that answers a ping, or raise EngineUnavailable."""
    address = engine_address()
    try:
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
