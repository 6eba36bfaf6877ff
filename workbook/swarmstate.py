"""Whether this engine is in swarm mode, whether the workbook made that swarm, and undoing it.

A notebook that runs ``docker swarm init`` records it in a marker file under .workbook/swarm/
(the swarm's node ID, and whether ``docker_gwbridge`` existed before). Cleanup leaves the swarm
only when the marker names the current node, so a swarm the learner made is never touched.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import docker
import docker.errors

from workbook.layout import LABEL, STATE_DIR

MARKER_DIR = STATE_DIR / "swarm"
GWBRIDGE = "docker_gwbridge"
"""The local bridge that swarm tasks use to reach the outside; the engine leaves it after ``swarm leave``."""


def swarm_info(client: docker.DockerClient) -> dict:
    """The ``Swarm`` part of ``docker info``: LocalNodeState, NodeID, ControlAvailable, …"""
    return client.info().get("Swarm") or {}


def swarm_state(client: docker.DockerClient) -> str:
    """'inactive', 'active', 'pending', 'error' or 'locked'."""
    return swarm_info(client).get("LocalNodeState") or "inactive"


def marker_path(notebook: str) -> Path:
    """The file that records a swarm ``notebook`` created."""
    return MARKER_DIR / f"{notebook}.json"


def read_marker(notebook: str) -> dict | None:
    """What ``notebook`` recorded when it created a swarm, or None."""
    path = marker_path(notebook)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def write_marker(notebook: str, node_id: str, gwbridge_existed: bool) -> Path:
    """Record that ``notebook`` created (or is about to create, ``node_id`` empty) a swarm."""
    path = marker_path(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"node_id": node_id, "gwbridge_existed": gwbridge_existed}))
    return path


def made_by(client: docker.DockerClient, notebook: str) -> bool:
    """True when the engine is in a swarm that ``notebook`` created (its marker names this node).

    An empty node ID in the marker means the notebook was interrupted during ``swarm init``.
    """
    marker = read_marker(notebook)
    if marker is None:
        return False
    info = swarm_info(client)
    if info.get("LocalNodeState") != "active":
        return False
    return marker.get("node_id") in ("", info.get("NodeID"))


def is_manager(client: docker.DockerClient) -> bool:
    """True when this engine is an active swarm manager (so it can list and remove services)."""
    info = swarm_info(client)
    return info.get("LocalNodeState") == "active" and bool(info.get("ControlAvailable"))


def labelled_services(client: docker.DockerClient, notebook: str) -> list:
    """The swarm services labelled with ``notebook`` (none when the engine is no swarm manager)."""
    if not is_manager(client):
        return []
    return client.services.list(filters={"label": [f"{LABEL}={notebook}"]})


def remove_services(client: docker.DockerClient, notebook: str, timeout: float = 60.0) -> int:
    """Remove ``notebook``'s services and wait until their task containers are gone; how many went."""
    services = labelled_services(client, notebook)
    ids = []
    for service in services:
        try:
            service.remove()
            ids.append(service.id)
        except docker.errors.NotFound:
            pass
    deadline = time.monotonic() + timeout
    while ids and time.monotonic() < deadline:
        listed = client.api.containers(all=True, filters={"label": "com.docker.swarm.service.id"})
        left = [c for c in listed if (c.get("Labels") or {}).get("com.docker.swarm.service.id") in ids]
        if not left:
            break
        time.sleep(0.3)
    return len(ids)


def leave_if_made(client: docker.DockerClient, notebook: str) -> list[str]:
    """Leave the swarm (``--force``) if ``notebook`` made it, and remove the bridge it added.

    Returns what was removed ('swarm', 'network docker_gwbridge'); a swarm the notebook did
    not make is left alone, and its marker (if stale) forgotten.
    """
    marker = read_marker(notebook)
    if marker is None:
        return []
    removed = []
    if made_by(client, notebook):
        client.swarm.leave(force=True)
        removed.append("swarm")
    if not marker.get("gwbridge_existed", True) and swarm_state(client) == "inactive":
        try:
            network = client.networks.get(GWBRIDGE)
            if not network.attrs.get("Containers"):
                network.remove()
                removed.append(f"network {GWBRIDGE}")
        except (docker.errors.NotFound, docker.errors.APIError):
            pass
    marker_path(notebook).unlink(missing_ok=True)
    return removed
