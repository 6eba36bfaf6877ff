"""Watch containers: their state, health, restarts, logs and processes, with clear timeouts.

Docker changes a container's state asynchronously (a restart policy fires, a healthcheck
runs every few seconds, a worker boots), so a notebook must poll rather than sleep. The
functions here poll ``docker inspect`` (or the logs) until the wanted value appears and
raise ContainerNotReady, naming what was seen and where to look, when it does not.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

import docker
import docker.errors

from workbook.errors import WorkbookError
from workbook.wait import poll_until

REMOVED = "removed"
"""What ``state`` reports for a container the engine no longer knows."""


class ContainerNotReady(WorkbookError):
    """A container did not reach the wanted state, health or restart count in time."""


def _container(client: docker.DockerClient, name: str) -> docker.models.containers.Container:
    try:
        return client.containers.get(name)
    except docker.errors.NotFound:
        raise ContainerNotReady(
            f"There is no container called {name!r}. Start it first (`docker ps -a` lists the containers)."
        ) from None


def _log_tail(container: docker.models.containers.Container, lines: int = 3) -> str:
    try:
        text = container.logs(tail=lines).decode(errors="replace").strip()
    except docker.errors.APIError:
        return ""
    return " | ".join(text.splitlines())


def state(client: docker.DockerClient, name: str) -> str:
    """The container's status (created, running, paused, restarting, exited, dead) or "removed"."""
    try:
        return client.containers.get(name).attrs["State"]["Status"]
    except docker.errors.NotFound:
        return REMOVED


def wait_for_state(
    client: docker.DockerClient,
    name: str,
    wanted: str | Iterable[str],
    timeout: float = 30.0,
    interval: float = 0.1,
) -> str:
    """Poll until the container's state is ``wanted`` (one state or several); return it."""
    wanted_set = {wanted} if isinstance(wanted, str) else set(wanted)
    return poll_until(
        lambda: state(client, name),
        lambda current: current in wanted_set,
        timeout=timeout,
        interval=interval,
        error=ContainerNotReady,
        message=lambda current: (
            f"Container {name!r} is {current}, not {' or '.join(sorted(wanted_set))}, after {timeout:g} s. "
            f"See `docker inspect {name}` and `docker logs {name}`."
        ),
    )


def health(client: docker.DockerClient, name: str) -> str | None:
    """The healthcheck's status (starting, healthy, unhealthy), or None when the image has none."""
    found = _container(client, name).attrs["State"].get("Health")
    return found["Status"] if found else None


def wait_for_health(
    client: docker.DockerClient,
    name: str,
    wanted: str = "healthy",
    timeout: float = 60.0,
    interval: float = 0.2,
) -> str:
    """Poll until the healthcheck reports ``wanted``; fail at once if the container stops.

    Raises ContainerNotReady when the container has no healthcheck, stops running,
    or the status is not ``wanted`` after ``timeout`` seconds (with the last probe's output).
    """
    seen: list[docker.models.containers.Container] = []

    def probe() -> dict:
        container = _container(client, name)
        seen[:] = [container]
        current = container.attrs["State"].get("Health")
        if current is None:
            raise ContainerNotReady(
                f"Container {name!r} has no healthcheck: add HEALTHCHECK to the Dockerfile or `--health-cmd` to "
                "`docker run`."
            )
        return current

    def stopped() -> str | None:
        status = seen[0].attrs["State"]["Status"]
        if status == "running":
            return None
        return (
            f"Container {name!r} is {status} while waiting for it to be {wanted}; "
            f"its last log lines: {_log_tail(seen[0]) or '(none)'}"
        )

    def too_late(current: object) -> str:
        probes = current.get("Log") or [] if isinstance(current, dict) else []
        last = probes[-1]["Output"].strip() if probes else "no probe has run yet"
        status = current.get("Status") if isinstance(current, dict) else "unknown"
        return (
            f"Container {name!r} is {status}, not {wanted}, after {timeout:g} s "
            f"(last probe: {last or 'no output'}). See `docker inspect {name}`."
        )

    poll_until(
        probe,
        lambda current: current["Status"] == wanted,
        timeout=timeout,
        interval=interval,
        stop=stopped,
        message=too_late,
        error=ContainerNotReady,
    )
    return wanted


def restart_count(client: docker.DockerClient, name: str) -> int:
    """How many times the engine restarted the container under its restart policy."""
    return int(_container(client, name).attrs["RestartCount"])


def wait_for_restart_count(
    client: docker.DockerClient, name: str, at_least: int, timeout: float = 30.0, interval: float = 0.1
) -> int:
    """Poll until the restart count reaches ``at_least`` and the container runs again; return the count."""

    def too_late(container: object) -> str:
        attrs = container.attrs if isinstance(container, docker.models.containers.Container) else {}
        count, status = attrs.get("RestartCount", 0), (attrs.get("State") or {}).get("Status", "unknown")
        policy = (attrs.get("HostConfig") or {}).get("RestartPolicy", {}).get("Name") or "no"
        return (
            f"Container {name!r} was restarted {count} time(s), not {at_least}, within {timeout:g} s "
            f"(state {status}, restart policy {policy!r}). A stop by `docker stop`/`docker kill` never "
            "triggers a restart; only the main process ending on its own does."
        )

    container = poll_until(
        lambda: _container(client, name),
        lambda c: int(c.attrs["RestartCount"]) >= at_least and c.attrs["State"]["Status"] == "running",
        timeout=timeout,
        interval=interval,
        message=too_late,
        error=ContainerNotReady,
    )
    return int(container.attrs["RestartCount"])


def wait_for_log(
    client: docker.DockerClient, name: str, text: str, count: int = 1, timeout: float = 30.0, interval: float = 0.1
) -> list[str]:
    """Poll the container's logs until ``count`` lines contain ``text``; return those lines."""
    seen: list[docker.models.containers.Container] = []

    def matching() -> list[str]:
        container = _container(client, name)
        seen[:] = [container]
        return [line for line in container.logs().decode(errors="replace").splitlines() if text in line]

    def stopped() -> str | None:
        if seen[0].attrs["State"]["Status"] in ("running", "created", "restarting"):
            return None
        return f"Container {name!r} stopped before its log showed {text!r}; last lines: {_log_tail(seen[0])}"

    return poll_until(
        matching,
        lambda found: len(found) >= count,
        timeout=timeout,
        interval=interval,
        stop=stopped,
        error=ContainerNotReady,
        message=lambda found: (
            f"The log of {name!r} has {len(found) if isinstance(found, list) else 0} line(s) with {text!r}, "
            f"not {count}, after {timeout:g} s; last lines: {_log_tail(seen[0]) or '(none)'}"
        ),
    )


@dataclass(frozen=True)
class Process:
    """One process inside a container, read from its /proc."""

    pid: int
    ppid: int
    uid: int
    args: tuple[str, ...]

    @property
    def program(self) -> str:
        """The program's name: the script for an interpreter (``python3 …/gunicorn`` -> ``gunicorn``)."""
        if not self.args:
            return "?"
        first = PurePosixPath(self.args[0]).name
        if first.startswith("python") and len(self.args) > 1 and not self.args[1].startswith("-"):
            return PurePosixPath(self.args[1]).name
        return first


# Reads /proc with sh, sed and tr only (slim images have no `ps`); prints the shell's own pid
# first so that the lister and its helpers can be left out.
_PROC_LISTER = r"""
echo "self $$"
for d in /proc/[0-9]*; do
  pid=${d#/proc/}
  st=$(cat "$d/status" 2>/dev/null) || continue
  ppid=$(printf '%s\n' "$st" | sed -n 's/^PPid:[[:space:]]*//p')
  uid=$(printf '%s\n' "$st" | sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p')
  args=$(tr '\0' '\037' < "$d/cmdline" 2>/dev/null)
  printf 'proc %s %s %s %s\n' "$pid" "$ppid" "$uid" "$args"
done
"""


def parse_process_listing(text: str) -> list[Process]:
    """Parse the lister's output; leave out the lister itself and its children."""
    own = -1
    found: list[Process] = []
    for line in text.splitlines():
        if line.startswith("self "):
            own = int(line.split()[1])
        elif line.startswith("proc "):
            parts = line.split(" ", 4)
            if len(parts) < 5 or not parts[2] or not parts[3]:
                continue  # the process ended while it was read
            args = tuple(arg for arg in parts[4].split("\037") if arg)
            found.append(Process(int(parts[1]), int(parts[2]), int(parts[3]), args))
    return sorted((p for p in found if p.pid != own and p.ppid != own), key=lambda p: p.pid)


def processes(client: docker.DockerClient, name: str) -> list[Process]:
    """The processes running in the container, like ``ps`` would list them, from /proc."""
    container = _container(client, name)
    exit_code, output = container.exec_run(["sh", "-c", _PROC_LISTER], user="root")
    if exit_code != 0:
        raise ContainerNotReady(
            f"Could not list the processes of {name!r} (exit {exit_code}): {output.decode(errors='replace')[-200:]}"
        )
    return parse_process_listing(output.decode(errors="replace"))


# Linux's signal numbers (the container's kernel is Linux even when the notebook runs on macOS,
# whose numbering differs, so the host's `signal` module cannot be used to name them).
LINUX_SIGNALS = {
    1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
    9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
    16: "SIGSTKFLT", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU",
    23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO",
    30: "SIGPWR", 31: "SIGSYS",
}  # fmt: skip


def signal_names(mask: int) -> list[str]:
    """Names of the signals set in a /proc ``SigCgt``-style mask (bit n-1 is signal n).

    Real-time signals (32-64; the C library uses 32 and 33 itself) are named ``signal N``.
    """
    return [LINUX_SIGNALS.get(n, f"signal {n}") for n in range(1, 65) if mask >> (n - 1) & 1]


def caught_signals(client: docker.DockerClient, name: str, pid: int = 1) -> list[str]:
    """The signals process ``pid`` of the container has a handler for (``SigCgt`` in /proc/PID/status).

    The kernel drops any other signal sent to a namespace's PID 1, except SIGKILL and
    SIGSTOP sent from outside the namespace (``docker kill``, ``docker stop``'s final SIGKILL).
    """
    container = _container(client, name)
    exit_code, output = container.exec_run(["cat", f"/proc/{pid}/status"])
    text = output.decode(errors="replace")
    for line in text.splitlines():
        if line.startswith("SigCgt:"):
            return signal_names(int(line.split()[1], 16))
    raise ContainerNotReady(
        f"Could not read the signal mask of PID {pid} in {name!r} (exit {exit_code}): {text[-200:]}"
    )


@dataclass(frozen=True)
class Stopped:
    """What ``docker stop`` took and how the container's main process ended."""

    name: str
    seconds: float
    exit_code: int

    def within(self, limit: float) -> bool:
        """True when the stop took less than ``limit`` seconds."""
        return self.seconds < limit


def stop_timed(name: str, timeout: int | None = None) -> Stopped:
    """Run ``docker stop [--time N] NAME`` as a learner would, timing it; return a Stopped.

    The command and its output are printed by ``workbook.cli.run``; the exit code comes
    from ``docker inspect`` afterwards.
    """
    from workbook.cli import run

    option = f" --time {timeout}" if timeout is not None else ""
    started = time.monotonic()
    run(f"docker stop{option} {name}")
    seconds = time.monotonic() - started
    code = run(f"docker inspect --format '{{{{.State.ExitCode}}}}' {name}", show=False).output.strip()
    return Stopped(name, seconds, int(code))


def container_events(
    client: docker.DockerClient, name: str, since: float, until: float | None = None
) -> list[tuple[str, str | None]]:
    """The engine's events for ``name`` between two ``time.time()`` values: (action, exit code or None).

    ``docker exec`` shows up as ``exec_create: …``/``exec_start: …``/``exec_die`` actions.
    """
    end = until if until is not None else time.time()
    events = client.events(since=f"{since:.6f}", until=f"{end:.6f}", filters={"container": name}, decode=True)
    return [
        (event["Action"], event["Actor"]["Attributes"].get("exitCode"))
        for event in events
        if event.get("Type") == "container" and event.get("timeNano", since * 1e9) >= since * 1e9
    ]
