"""Checks for notebook 11 (Swarm): a service scaled to N replicas, limits and a placement constraint."""

from __future__ import annotations

import docker
import docker.errors

from workbook.checks import passed, require
from workbook.errors import CheckFailed
from workbook.owner import owned
from workbook.swarm import converged
from workbook.swarmstate import is_manager
from workbook.wait import poll_until

SERVICE = owned("wb11_web")
"""The stack ``wb11``'s service ``web``, as notebook 11 deploys it."""
MEMORY_LIMIT = 256 * 1024 * 1024


def _service(client: docker.DockerClient, name: str = SERVICE) -> docker.models.services.Service:
    """The service ``name``; CheckFailed when the engine is no swarm manager or it does not exist."""
    require(is_manager(client), "The engine is not a swarm manager: run sections 1 and 2 (swarm init, stack deploy).")
    try:
        return client.services.get(name)
    except docker.errors.NotFound:
        raise CheckFailed(f"There is no service {name}: deploy the stack wb11 (section 2) first.") from None


def check_replicas(client: docker.DockerClient, replicas: int, timeout: float = 120.0) -> bool:
    """``wb11_web`` wants ``replicas`` tasks and runs exactly that many (waits up to ``timeout`` s)."""
    service = _service(client)
    wanted = service.attrs["Spec"].get("Mode", {}).get("Replicated", {}).get("Replicas")
    require(
        wanted == replicas,
        f"{SERVICE} wants {wanted} replicas, not {replicas}: `docker service scale -d {SERVICE}={replicas}`.",
    )

    def progress() -> tuple[bool, str]:
        service.reload()
        return converged(service)

    poll_until(
        progress,
        lambda answer: answer[0],
        timeout=timeout,
        interval=0.5,
        message=lambda last: (
            f"{SERVICE} wants {replicas} replicas but has not got there within {timeout:g} s: "
            f"{last[1] if isinstance(last, tuple) else last}."
        ),
        error=CheckFailed,
    )
    return passed(f"{SERVICE}: {replicas} of {replicas} tasks running the service's image.")


def _constraints(spec: dict) -> list[str]:
    placement = spec["TaskTemplate"].get("Placement") or {}
    return ["".join(c.split()) for c in placement.get("Constraints") or []]


def check_limits(client: docker.DockerClient) -> bool:
    """``wb11_web``'s spec limits memory to 256 MiB and places tasks on managers only."""
    spec = _service(client).attrs["Spec"]
    limits = (spec["TaskTemplate"].get("Resources") or {}).get("Limits") or {}
    memory = limits.get("MemoryBytes")
    require(
        memory == MEMORY_LIMIT,
        f"{SERVICE} has memory limit {memory or 'none'}, not 256 MiB ({MEMORY_LIMIT} bytes): "
        f"`docker service update --detach --limit-memory 256M {SERVICE}`.",
    )
    constraints = _constraints(spec)
    require(
        "node.role==manager" in constraints,
        f"{SERVICE}'s placement constraints are {constraints or 'none'}: "
        f"add one with `--constraint-add node.role==manager`.",
    )
    return passed(f"{SERVICE}: memory limited to 256 MiB, tasks placed on manager nodes only.")
