"""Swarm mode for notebook 11: a single-node swarm, a service's tasks, and a load client beside them."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors

from workbook.cli import Result, run
from workbook.errors import ServiceNotReady, WorkbookError
from workbook.swarmstate import GWBRIDGE, made_by, swarm_info, write_marker

LOAD_CLIENT = Path(__file__).with_name("loadclient.py")
TERMINAL_UPDATE_STATES = ("completed", "paused", "rollback_completed", "rollback_paused")


class SwarmInUse(WorkbookError):
    """The engine already belongs to a swarm the workbook did not create."""


def init_swarm(client: docker.DockerClient, notebook: str, address: str = "127.0.0.1") -> Result:
    """``docker swarm init`` on ``address``, remembered as made by ``notebook`` (cleanup leaves it).

    Raises SwarmInUse, changing nothing, when the engine is already in a swarm it did not make.
    """
    info = swarm_info(client)
    state = info.get("LocalNodeState") or "inactive"
    if state == "active" and made_by(client, notebook):
        raise SwarmInUse(f"The swarm an earlier run of {notebook} made is still there: run the Cleanup cell first.")
    if state != "inactive":
        nodes = info.get("Nodes") or "?"
        raise SwarmInUse(
            f"This engine is already in swarm mode ({state}, node {info.get('NodeID') or '?'}, {nodes} node(s)), "
            "in a swarm the workbook did not create; notebook 11 leaves it alone. Run the notebook on an "
            "engine outside swarm mode, or `docker swarm leave` first if you are sure nothing needs that swarm."
        )
    gwbridge = any(n.name == GWBRIDGE for n in client.networks.list(names=[GWBRIDGE]))
    write_marker(notebook, "", gwbridge)
    result = run(f"docker swarm init --advertise-addr {address} --listen-addr {address}:2377")
    write_marker(notebook, swarm_info(client).get("NodeID", ""), gwbridge)
    return result


def task_containers(client: docker.DockerClient, service: str) -> list[docker.models.containers.Container]:
    """The running containers of ``service``'s tasks on this node, by slot.

    Read from one list call (not one inspect per container), so a task container that goes
    away meanwhile cannot make it fail; the models carry the list's data (ID, names, labels).
    """
    listed = client.api.containers(filters={"label": f"com.docker.swarm.service.name={service}"})
    return sorted((client.containers.prepare_model(c) for c in listed), key=task_name)


def task_name(container: docker.models.containers.Container) -> str:
    """'wb11_web.2': the service and slot of a task's container (its task ID left out)."""
    labels = container.attrs.get("Labels") or container.attrs.get("Config", {}).get("Labels") or {}
    full = labels.get("com.docker.swarm.task.name", "")
    return full.rsplit(".", 1)[0] if full.count(".") >= 2 else full


def replica_names(client: docker.DockerClient, service: str) -> dict[str, str]:
    """Host name of each running task container (its short ID) -> its task name ('wb11_web.1')."""
    return {c.id[:12]: task_name(c) for c in task_containers(client, service)}


def wait_replaced(
    client: docker.DockerClient, service: str, container: docker.models.containers.Container, timeout: float = 120.0
) -> dict:
    """Wait until a new task runs in ``container``'s slot; return the old task (its state, its error)."""
    slot = task_name(container)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        others = [c for c in task_containers(client, service) if task_name(c) == slot and c.id != container.id]
        svc = client.services.get(service)
        old = [t for t in _tasks(svc) if t["Status"].get("ContainerStatus", {}).get("ContainerID") == container.id]
        if others and old and old[0]["Status"]["State"] != "running" and converged(svc)[0]:
            return old[0]
        time.sleep(0.3)
    raise ServiceNotReady(f"No new task replaced {slot} within {timeout:g} s.")


def wait_stack_removed(client: docker.DockerClient, stack: str, timeout: float = 90.0) -> None:
    """After ``docker stack rm``: wait until the stack's task containers and networks are gone."""
    selector = {"label": f"com.docker.stack.namespace={stack}"}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not client.api.containers(all=True, filters=selector) and not client.networks.list(filters=selector):
            return
        time.sleep(0.3)
    raise ServiceNotReady(f"The stack {stack} still has containers or networks after {timeout:g} s.")


def _tasks(service: docker.models.services.Service) -> list[dict]:
    try:
        return service.tasks()
    except docker.errors.NotFound:
        return []


def converged(service: docker.models.services.Service) -> tuple[bool, str]:
    """Whether ``service`` runs exactly its spec (replicas, image, no old task still running); why not."""
    spec = service.attrs["Spec"]
    image = spec["TaskTemplate"]["ContainerSpec"]["Image"]
    replicas = spec.get("Mode", {}).get("Replicated", {}).get("Replicas", 1)
    tasks = _tasks(service)
    wanted = [t for t in tasks if t.get("DesiredState") == "running"]
    running = [t for t in wanted if t["Status"]["State"] == "running"]
    current = [t for t in running if t["Spec"]["ContainerSpec"]["Image"] == image]
    stopping = [t for t in tasks if t.get("DesiredState") != "running" and t["Status"]["State"] == "running"]
    update = (service.attrs.get("UpdateStatus") or {}).get("State", "")
    if update and update not in TERMINAL_UPDATE_STATES:
        return False, f"update {update}"
    if len(current) != replicas or len(wanted) != replicas:
        return False, f"{len(current)} of {replicas} tasks running the spec's image ({len(wanted)} wanted)"
    if stopping:
        return False, f"{len(stopping)} old task(s) still stopping"
    return True, update or "running"


def wait_converged(client: docker.DockerClient, name: str, timeout: float = 240.0) -> str:
    """Wait until service ``name`` runs its spec; return its update state ('completed', '' if none).

    Raises ServiceNotReady with the last observation and the tasks' errors after ``timeout`` s.
    """
    deadline = time.monotonic() + timeout
    last = "not looked yet"
    while time.monotonic() < deadline:
        service = client.services.get(name)
        done, last = converged(service)
        if done:
            return (service.attrs.get("UpdateStatus") or {}).get("State", "")
        time.sleep(0.3)
    errors = sorted({t["Status"].get("Err", "") for t in _tasks(client.services.get(name))} - {""})
    raise ServiceNotReady(f"{name} did not converge within {timeout:g} s (last: {last}); task errors: {errors}")


def _client_container(
    client: docker.DockerClient, network: str, args: list[str], labels: dict[str, str], **kwargs: object
) -> docker.models.containers.Container:
    from workbook.images import resolved

    command = ["python", "-c", LOAD_CLIENT.read_text(), *args]
    return client.containers.run(resolved("python"), command, network=network, labels=labels, detach=True, **kwargs)


def _results(container: docker.models.containers.Container) -> list[dict]:
    lines = container.logs(stderr=False).decode(errors="replace").strip().splitlines()
    if not lines or not lines[-1].startswith("["):
        raise WorkbookError(f"The load client {container.name} printed no results: {' | '.join(lines[-3:])}")
    return json.loads(lines[-1])


def send_requests(
    client: docker.DockerClient, network: str, host: str, labels: dict[str, str], count: int = 60
) -> list[dict]:
    """``count`` requests to http://HOST:5000/ from a one-shot container on ``network``; the results."""
    container = _client_container(client, network, [host, "5000", "120", "5", str(count)], labels)
    try:
        container.wait(timeout=180)
        return _results(container)
    finally:
        container.remove(force=True)


def start_load(
    client: docker.DockerClient, network: str, host: str, labels: dict[str, str], seconds: float = 240
) -> docker.models.containers.Container:
    """Start the load client (a request every 5 ms, at most ``seconds``); returns once it sends."""
    container = _client_container(client, network, [host, "5000", str(seconds), "5", "1000000"], labels)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if b"load client started" in container.logs():
            return container
        container.reload()
        if container.status == "exited":
            break
        time.sleep(0.2)
    raise WorkbookError(f"The load client did not start: {container.logs(tail=5).decode(errors='replace')}")


def stop_load(container: docker.models.containers.Container, linger: float = 1.0) -> list[dict]:
    """Let the load run ``linger`` s more, stop it (SIGTERM) and return its results."""
    time.sleep(linger)
    container.stop(timeout=30)
    try:
        return _results(container)
    finally:
        container.remove(force=True)


@dataclass
class Load:
    """What a list of load-client results says: how many, how many failed, who answered what."""

    results: list[dict]
    names: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> list[dict]:
        """The requests that got no 200 (an error, a timeout, another status)."""
        return [r for r in self.results if not r["ok"]]

    def bodies(self) -> Counter:
        """How many answers carried each body."""
        return Counter(r["body"] for r in self.results if r["ok"])

    def replicas(self) -> Counter:
        """How many answers each replica gave (by task name where known, else host name)."""
        return Counter(self.names.get(r["by"], r["by"]) for r in self.results if r["ok"])

    def errors(self) -> Counter:
        """The kinds of failure ('ConnectionRefusedError', 'gaierror', 'HTTP 502'), counted."""
        return Counter(r.get("error", "").split(":")[0] or f"HTTP {r.get('status')}" for r in self.failed)

    @property
    def seconds(self) -> float:
        """From the first request to the last."""
        return self.results[-1]["t"] - self.results[0]["t"] if self.results else 0.0

    def switch(self, old: str, new: str) -> tuple[float, float]:
        """Seconds from the start to the first ``new`` answer and to the last ``old`` one."""
        start = self.results[0]["t"]
        first_new = min((r["t"] for r in self.results if r.get("body") == new), default=float("nan"))
        last_old = max((r["t"] for r in self.results if r.get("body") == old), default=float("nan"))
        return first_new - start, last_old - start


def probe_vip(
    client: docker.DockerClient, network: str, service: str, labels: dict[str, str], timeout: float = 2.0
) -> tuple[bool, bool]:
    """From a one-shot container on ``network``: (VIP answered, task answered).

    It waits (up to 60 s) until the first task of ``service`` accepts a TCP connection on its own
    address (``tasks.SERVICE``), then tries the service's VIP once, for ``timeout`` seconds.
    Without IPVS in the kernel the VIP never answers.
    """
    code = (
        "import socket, sys, time\n"
        "def answers(name, seconds):\n"
        "    try:\n"
        "        socket.create_connection((socket.gethostbyname(name), 5000), timeout=seconds).close()\n"
        "        return True\n"
        "    except OSError:\n"
        "        return False\n"
        "deadline = time.monotonic() + 60\n"
        "while not answers('tasks.' + sys.argv[1], 2) and time.monotonic() < deadline:\n"
        "    time.sleep(0.2)\n"
        "task = answers('tasks.' + sys.argv[1], 2)\n"
        "print(int(answers(sys.argv[1], float(sys.argv[2]))), int(task))\n"
    )
    from workbook.images import resolved

    output = client.containers.run(
        resolved("python"), ["python", "-c", code, service, str(timeout)], network=network, labels=labels, remove=True
    )
    vip, task = output.decode().split()
    return vip == "1", task == "1"
