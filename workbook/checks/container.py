"""Checks for the exercises of notebook 04 (Container), against the real engine."""

from __future__ import annotations

import time

import docker
import docker.errors
import requests

from workbook.checks import passed, require
from workbook.containers import ContainerNotReady, processes, wait_for_health
from workbook.errors import CheckFailed
from workbook.images import resolved
from workbook.owner import owned
from workbook.wait import observation, poll_until

MIB = 1024 * 1024


def _first_answer(url: str, hint: str, stop=None, timeout: float = 20.0) -> requests.Response:  # noqa: ANN001
    """The first HTTP answer at ``url`` within ``timeout`` s; CheckFailed (with ``hint``) when none came."""
    return poll_until(
        lambda: requests.get(url, timeout=2),
        lambda _: True,
        timeout=timeout,
        interval=0.2,
        retry_on=(requests.RequestException,),
        stop=stop,
        message=lambda last: (
            f"Nothing answers at {url} ({observation(last)}) within {timeout:g} s" + (f"; {hint}." if hint else ".")
        ),
        error=CheckFailed,
    )


def _get(client: docker.DockerClient, name: str, what: str) -> docker.models.containers.Container:
    try:
        return client.containers.get(name)
    except docker.errors.NotFound:
        raise CheckFailed(f"There is no container called {name!r}: {what}") from None


def _labelled(attrs_labels: dict[str, str] | None, labels: dict[str, str], kind: str, name: str) -> None:
    have = attrs_labels or {}
    for key, value in labels.items():
        require(
            have.get(key) == value,
            f"The {kind} {name!r} lacks the label {key}={value}, so the notebook's cleanup would not remove it. "
            f"Create it again with `--label {key}={value}`.",
        )


def check_limited_service(
    client: docker.DockerClient,
    labels: dict[str, str],
    name: str = "wb04-ex1",
    memory_mib: int = 128,
    cpus: float = 0.5,
    restart: str = "unless-stopped",
) -> bool:
    """Exercise 1: a labelled, limited copy of the service answers on a 127.0.0.1 port."""
    name = owned(name)
    container = _get(client, name, "run it with `docker run -d --name …` (see the statement).")
    _labelled(container.labels, labels, "container", name)
    status = container.attrs["State"]["Status"]
    require(status == "running", f"{name} is {status}, not running; `docker logs {name}` says why.")
    bindings = (container.attrs["NetworkSettings"]["Ports"] or {}).get("5000/tcp") or []
    require(bindings, f"{name} publishes no host port for 5000/tcp; add `-p 127.0.0.1:PORT:5000`.")
    exposed = [b["HostIp"] for b in bindings if b["HostIp"] != "127.0.0.1"]
    require(
        not exposed,
        f"{name} publishes port 5000 on {', '.join(ip or 'every address' for ip in exposed)}: other machines can "
        "reach it. Publish on 127.0.0.1 only (`-p 127.0.0.1:PORT:5000`).",
    )
    host = container.attrs["HostConfig"]
    memory = host.get("Memory") or 0
    require(
        memory == memory_mib * MIB,
        f"{name}'s memory limit is {memory // MIB if memory else 'not set'} MiB, not {memory_mib}; "
        f"use `--memory {memory_mib}m`.",
    )
    nano = host.get("NanoCpus") or 0
    require(
        nano == int(cpus * 1e9),
        f"{name}'s CPU limit is {nano / 1e9 if nano else 'not set'}, not {cpus:g} CPU; use `--cpus {cpus:g}`.",
    )
    policy = (host.get("RestartPolicy") or {}).get("Name") or "no"
    require(policy == restart, f"{name}'s restart policy is {policy!r}, not {restart!r}; use `--restart {restart}`.")
    url = f"http://127.0.0.1:{bindings[0]['HostPort']}/"
    answer = _first_answer(url, f"`docker logs {name}` says why")
    require(
        answer.status_code == 200 and answer.text == "Hello World!",
        f"{url} answered HTTP {answer.status_code} {answer.text[:60]!r}, not 200 'Hello World!'.",
    )
    return passed(
        f"{name} runs with {memory_mib} MiB, {cpus:g} CPU and restart policy {restart}, answers 'Hello World!' "
        "on 127.0.0.1 only"
    )


def check_stops_fast(
    client: docker.DockerClient, labels: dict[str, str], name: str = "wb04-ex2", within: float = 10.0
) -> bool:
    """Exercise 2: a shell-form CMD whose gunicorn is PID 1, so `docker stop` ends before its 10 s timeout.

    The check waits until the service is healthy (before that, gunicorn may not have
    installed its SIGTERM handler yet), then stops the container itself: that is the
    measurement: gunicorn must end on its own (exit code 0) before ``within`` seconds,
    the 10 s timeout after which ``docker stop`` sends SIGKILL (exit code 137).
    """
    name = owned(name)
    container = _get(client, name, "build the variant image and run it (see the statement).")
    _labelled(container.labels, labels, "container", name)
    image = container.image
    _labelled(image.labels, labels, "image", image.tags[0] if image.tags else image.short_id)
    cmd = container.attrs["Config"]["Cmd"] or []
    require(
        cmd[:2] == ["/bin/sh", "-c"],
        f"{name}'s command is {cmd!r}: that is exec form. The exercise asks for a shell-form CMD "
        "(`CMD exec gunicorn …`) that still stops quickly.",
    )
    require(
        container.attrs["State"]["Status"] == "running",
        f"{name} is {container.attrs['State']['Status']}, not running; `docker logs {name}` says why.",
    )
    first = next((p for p in processes(client, name) if p.pid == 1), None)
    require(first is not None, f"No PID 1 is visible in {name}.")
    require(
        first.program == "gunicorn",
        f"PID 1 in {name} is {first.program!r}, not gunicorn: the shell stays in front and swallows SIGTERM. "
        "Start the command with `exec` so the shell replaces itself with gunicorn.",
    )
    if container.attrs["State"].get("Health"):
        try:
            wait_for_health(client, name, "healthy", timeout=60)
        except ContainerNotReady as error:
            raise CheckFailed(str(error)) from None
    started = time.monotonic()
    container.stop(timeout=int(within))
    took = time.monotonic() - started
    container.reload()
    code = container.attrs["State"]["ExitCode"]
    require(
        code == 0,
        f"{name} exited with code {code}, not 0 (a clean shutdown on SIGTERM); 137 means it was killed "
        f"after the {within:g} s timeout.",
    )
    require(took < within, f"`docker stop {name}` took {took:.1f} s, not under {within:g} s.")
    return passed(
        f"gunicorn is PID 1 of {name} under a shell-form CMD; docker stop took {took:.1f} s "
        f"(the timeout is {within:g} s), exit 0"
    )


def check_volume_keeps(
    client: docker.DockerClient,
    labels: dict[str, str],
    image: str | None = None,
    volume: str = "wb04-notes",
    path: str = "note.txt",
    content: str = "kept",
) -> bool:
    """Exercise 3: a named volume holds ``path`` with ``content`` after its writer container is gone.

    The file is read back through a new container of ``image`` (default: the resolved python image).
    """
    volume = owned(volume)
    try:
        found = client.volumes.get(volume)
    except docker.errors.NotFound:
        raise CheckFailed(f"There is no volume called {volume!r}; create it with `docker volume create`.") from None
    _labelled(found.attrs.get("Labels"), labels, "volume", volume)
    users = client.containers.list(all=True, filters={"volume": volume})
    require(
        not users,
        f"Container(s) {', '.join(c.name for c in users)} still use {volume}; remove the writer "
        "(`docker run --rm …` does it) to show that the data outlives it.",
    )
    try:
        output = client.containers.run(
            image or resolved("python"),
            ["cat", f"/data/{path}"],
            volumes={volume: {"bind": "/data", "mode": "ro"}},
            labels={**labels},
            remove=True,
            stderr=True,
        )
    except docker.errors.ContainerError as error:
        detail = (error.stderr or b"").decode(errors="replace").strip()
        raise CheckFailed(f"{volume} has no readable {path}: {detail}") from None
    text = output.decode(errors="replace").strip()
    require(text == content, f"{path} in {volume} holds {text[:60]!r}, not {content!r}.")
    return passed(f"volume {volume} still holds {path} = {content!r} after the container that wrote it is gone")


def check_fixed_container(
    client: docker.DockerClient,
    labels: dict[str, str],
    broken_exit_code: object,
    broken: str = "wb04-broken",
    fixed: str = "wb04-fixed",
) -> bool:
    """Exercise 4: the exit code of ``broken`` was read, and ``fixed`` runs its image and answers.

    ``fixed`` must come from the same image as ``broken``, be labelled, keep running, publish
    the port it listens on (its APP_PORT) on 127.0.0.1, and answer HTTP there.
    """
    broken = owned(broken)
    fixed = owned(fixed)
    original = _get(client, broken, "run the cell under the exercise's statement again.")
    real_code = original.attrs["State"]["ExitCode"]
    require(
        isinstance(broken_exit_code, int) and not isinstance(broken_exit_code, bool),
        f"`broken_exit_code` is {broken_exit_code!r}, not a number: read {broken}'s exit code "
        "(`docker ps -a` shows it, `docker inspect` has it as State.ExitCode).",
    )
    require(
        broken_exit_code == real_code,
        f"{broken} did not exit with {broken_exit_code}; `docker ps -a --filter name={broken}` shows its status.",
    )
    container = _get(client, fixed, f"run the image of {broken} again, as {fixed}, with what its log says is missing.")
    _labelled(container.labels, labels, "container", fixed)
    require(
        container.image.id == original.image.id,
        f"{fixed} runs another image than {broken}: fix how the container is run, not the image.",
    )
    env = dict(item.split("=", 1) for item in container.attrs["Config"].get("Env") or [] if "=" in item)
    port = env.get("APP_PORT", "")
    require(bool(port), f"{fixed} has no APP_PORT in its environment: the log of {broken} says what is missing.")
    bindings = (container.attrs["NetworkSettings"]["Ports"] or {}).get(f"{port}/tcp") or []
    require(
        bool(bindings),
        f"{fixed} listens on port {port} inside, but publishes no host port for it: add `-p 127.0.0.1::{port}`.",
    )
    require(
        all(b["HostIp"] == "127.0.0.1" for b in bindings),
        f"{fixed} publishes port {port} on every address; publish it on 127.0.0.1 only.",
    )
    url = f"http://127.0.0.1:{bindings[0]['HostPort']}/"

    def not_running() -> str | None:
        container.reload()
        state = container.attrs["State"]
        if state["Status"] == "running":
            return None
        logs = container.logs(tail=3).decode(errors="replace").strip().replace("\n", " | ")
        return f"{fixed} is {state['Status']} (exit {state['ExitCode']}), not running; its log ends: {logs[-160:]!r}"

    answer = _first_answer(url, "", stop=not_running)
    require(answer.status_code == 200, f"{url} answered HTTP {answer.status_code}, not 200.")
    return passed(
        f"{broken} exited with code {real_code}; {fixed}, from the same image with APP_PORT set, runs and answers"
    )


__all__ = ["check_fixed_container", "check_limited_service", "check_stops_fast", "check_volume_keeps"]
