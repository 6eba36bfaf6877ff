"""Start a registry container, or connect to one, and wait until ``/v2/`` answers."""

from __future__ import annotations

from pathlib import Path

import docker
import docker.errors
import requests

from workbook.base_images import resolved
from workbook.errors import WorkbookError
from workbook.registry.api import Registry
from workbook.registry.config import CONFIG_DIR_IN_CONTAINER, DATA_DIR, config_uses_tls
from workbook.wait import observation, poll_until


def _stopped(container: docker.models.containers.Container, what: str) -> str | None:
    """None while ``container`` is created or running; else ``what`` and the last lines of its log."""
    container.reload()
    if container.status in ("created", "running"):
        return None
    return f"{what}: {container.logs(tail=5).decode(errors='replace').strip()}"


def wait_for_registry(registry: Registry, timeout: float = 30.0) -> requests.Response:
    """Wait until ``/v2/`` answers (200, or 401 when it wants credentials).

    Raises:
        ServiceNotReady: the container stopped (with its log tail), or no answer in time.
    """
    return poll_until(
        lambda: registry.request("GET", "/v2/", auth=None, timeout=2),
        lambda response: response.status_code in (200, 401),
        timeout=timeout,
        interval=0.2,
        retry_on=(requests.RequestException,),
        stop=lambda: _stopped(registry.container, f"The registry container {registry.container.name} stopped"),
        message=lambda last: f"{registry.url}/v2/ did not answer within {timeout:g} s (last: {_last(last)}).",
    )


def _last(last: object) -> str:
    return f"HTTP {last.status_code}" if isinstance(last, requests.Response) else observation(last)


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

    def bindings() -> list[dict]:
        container.reload()
        return (container.ports or {}).get("5000/tcp") or []

    def no_port(_: object = None) -> str:
        logs = container.logs(tail=5).decode(errors="replace").strip()
        return f"The registry container {name} publishes no port 5000 ({container.status}): {logs}"

    found = poll_until(
        bindings,
        timeout=timeout,
        interval=0.2,
        stop=lambda: None if container.status in ("created", "running") else no_port(),
        message=no_port,
    )
    registry = Registry(client, container, f"127.0.0.1:{found[0]['HostPort']}", scheme, auth, ca_cert)
    wait_for_registry(registry, timeout)
    return registry


def start_registry(
    client: docker.DockerClient,
    name: str,
    port: int | None,
    labels: dict[str, str],
    config_dir: Path,
    volume: str | None = None,
    image: str | None = None,
    network: str | None = None,
    ip: str | None = None,
    auth: tuple[str, str] | None = None,
    ca_cert: Path | None = None,
) -> Registry:
    """Run a registry published on 127.0.0.1:``port`` (None: a port the engine picks) and wait until ``/v2/`` answers.

    ``config_dir`` holds ``config.yml`` (and the htpasswd file / certificate it names)
    and is mounted read-only at ``CONFIG_DIR_IN_CONTAINER``; ``volume`` (a named,
    labelled volume, created when missing) holds the images at ``/var/lib/registry``.
    TLS is on when ``config.yml`` has an ``http.tls`` section.
    """
    config_dir = Path(config_dir)
    if not (config_dir / "config.yml").exists():
        raise WorkbookError(f"{config_dir}/config.yml is missing; write it with registry_config() first.")
    volume = volume or f"{name}-data"
    try:
        client.volumes.get(volume)
    except docker.errors.NotFound:
        client.volumes.create(volume, labels=labels)
    tls = config_uses_tls((config_dir / "config.yml").read_text())
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
    if port is None:  # the engine chose the host port: read it back
        return connect_registry(client, name, "https" if tls else "http", auth, ca_cert)
    registry = Registry(client, container, f"127.0.0.1:{port}", "https" if tls else "http", auth, ca_cert)
    wait_for_registry(registry)
    return registry


def container_address(container: docker.models.containers.Container, network: str) -> str:
    """The container's IPv4 address on ``network``."""
    container.reload()
    return container.attrs["NetworkSettings"]["Networks"][network]["IPAddress"]
