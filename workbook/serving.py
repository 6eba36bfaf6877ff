"""The servers notebook 10 compares under load, side by side in one run (see ``workbook.bench`` for wrk).

Every configuration is a container of the same Flask image: Flask's development server,
gunicorn's sync and gthread workers behind a published 127.0.0.1 port (so through
docker-proxy), gunicorn with host networking (no proxy, no NAT), and a bare WSGI "hello"
under gunicorn as the ceiling. The repetitions go round-robin over the running servers,
so that a burst of load from elsewhere on the machine hits every configuration alike.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docker

from workbook.bench import WrkResult, median_result, run_wrk
from workbook.ports import any_free_port
from workbook.web import wait_for_http

HELLO_WSGI = '''\
"""The smallest WSGI application: what gunicorn serves when Flask does no work at all."""


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "12")])
    return [b"Hello World!"]
'''

GIL_WSGI = '''\
"""Two endpoints of 20 ms each: one waits (like a database query), one computes (pure Python)."""

import time


def answer(start_response, text):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))])
    return [text]


def wait(environ, start_response):
    time.sleep(0.02)  # waiting releases the GIL: another thread of the process runs meanwhile
    return answer(start_response, b"waited 20 ms")


def compute(environ, start_response):
    # 20 ms of this thread's own CPU time (a wall-clock deadline would count the time other
    # threads held the GIL, and threads would seem to compute faster); bytecode holds the GIL.
    deadline = time.thread_time() + 0.02
    n = 0
    while time.thread_time() < deadline:
        n += 1
    return answer(start_response, b"computed 20 ms")
'''
WAIT_ANSWER = "waited 20 ms"


@dataclass(frozen=True)
class Plan:
    """How long and how often to measure: the notebook's short run or `make bench`'s full one."""

    name: str
    seconds: float  # per wrk run
    repetitions: int  # wrk runs per configuration (median)
    timing_repetitions: int  # container start to first 200 (median)
    build_repetitions: int  # cold build and cached rebuild (median)
    stop_repetitions: int  # docker stop, exec form and shell form (median)
    stop_timeout: int  # docker stop --time for the exec-form vs shell-form comparison
    connections: int = 16


SHORT = Plan(
    "short", seconds=1, repetitions=3, timing_repetitions=3, build_repetitions=1, stop_repetitions=1, stop_timeout=10
)
FULL = Plan(
    "full", seconds=8, repetitions=3, timing_repetitions=5, build_repetitions=5, stop_repetitions=5, stop_timeout=10
)


def plan_from_env(environ: dict[str, str] | None = None) -> Plan:
    """FULL when WORKBOOK_BENCH=full (what `make bench` sets), else SHORT (the notebook under `make test`)."""
    value = (environ if environ is not None else os.environ).get("WORKBOOK_BENCH", "short")
    return FULL if value.strip().lower() == "full" else SHORT


@dataclass(frozen=True)
class Server:
    """One configuration: how the container runs and what it serves."""

    key: str
    label: str
    command: tuple[str, ...]  # without --bind
    host_network: bool = False
    wsgi_app: bool = False  # the bare WSGI hello instead of Flask

    def argv(self, bind: str) -> list[str]:
        """The container's command, listening on ``bind``."""
        if self.command[0] == "gunicorn":
            return ["gunicorn", "--bind", bind, *self.command[1:]]
        host, port = bind.rsplit(":", 1)
        return [*self.command, "--host", host, "--port", port]


def sync_workers(cpus: int) -> int:
    """gunicorn's recommended worker count for sync workers: 2 × cores + 1."""
    return 2 * cpus + 1


def servers(cpus: int) -> list[Server]:
    """The configurations compared, in the order of the table."""
    sync = ("gunicorn", "--workers", str(sync_workers(cpus)), "--worker-class", "sync", "run:app")
    gthread = ("gunicorn", "--workers", str(cpus), "--worker-class", "gthread", "--threads", "4", "run:app")
    return [
        Server("dev", "Flask dev server (published port)", ("flask", "--app", "run", "run")),
        Server("sync", "gunicorn sync, 2×cores+1 (published port)", sync),
        Server("gthread", "gunicorn gthread, cores×4 threads (published port)", gthread),
        Server("sync-host", "gunicorn sync, 2×cores+1 (host network)", sync, host_network=True),
        Server("gthread-host", "gunicorn gthread, cores×4 threads (host network)", gthread, host_network=True),
        Server(
            "wsgi-host",
            "bare WSGI hello, gunicorn sync (host network)",
            (*sync[:-1], "--chdir", "/bench", "hello:app"),
            host_network=True,
            wsgi_app=True,
        ),
    ]


def gil_servers() -> list[Server]:
    """One process, 20 ms per request, waiting or computing: one sync worker vs the same worker with 8 threads."""
    one = ("gunicorn", "--workers", "1", "--chdir", "/bench")
    threads = (*one, "--worker-class", "gthread", "--threads", "8")
    return [
        Server(
            f"{what}-{kind}", f"{what}, 1 worker, {label}", (*command, f"gil:{what}"), host_network=True, wsgi_app=True
        )
        for what in ("wait", "compute")
        for kind, label, command in (("sync", "sync", one), ("threads", "8 threads", threads))
    ]


def write_bench_apps(folder: Path) -> Path:
    """Write the bare WSGI apps (hello.py, gil.py) into ``folder``, which the servers mount read-only at /bench."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)  # the image's appuser reads it
    for name, text in (("hello.py", HELLO_WSGI), ("gil.py", GIL_WSGI)):
        (folder / name).write_text(text)
        (folder / name).chmod(0o644)
    return folder


def docker_proxy_for(port: int, proc: Path = Path("/proc")) -> str | None:
    """``docker-proxy: HOST:PORT -> CONTAINER-IP:PORT`` for the proxy of host ``port``, or None when none is visible.

    None on Docker Desktop (the engine's processes live in its VM) and on engines run
    with ``"userland-proxy": false``.
    """
    for cmdline in proc.glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().decode(errors="replace").split("\0")
        except OSError:  # the process ended meanwhile
            continue
        if not args[0].endswith("docker-proxy"):
            continue
        option = dict(zip(args[1::2], args[2::2], strict=False))
        if option.get("-host-port") == str(port):
            return (
                f"docker-proxy: {option.get('-host-ip')}:{port} -> "
                f"{option.get('-container-ip')}:{option.get('-container-port')}"
            )
    return None


def start_server(
    client: docker.DockerClient, image: str, server: Server, labels: dict[str, str], hello_dir: Path, prefix: str
) -> tuple[docker.models.containers.Container, str]:
    """Run ``server`` detached, wait for its first 200, and return the container and its URL (on 127.0.0.1)."""
    options: dict = {"detach": True, "labels": labels, "name": f"{prefix}-{server.key}"}
    if server.wsgi_app:
        options["volumes"] = {str(hello_dir): {"bind": "/bench", "mode": "ro"}}
    if server.host_network:
        port = any_free_port()
        container = client.containers.run(image, server.argv(f"127.0.0.1:{port}"), network_mode="host", **options)
    else:
        port = any_free_port()
        options["ports"] = {"5000/tcp": ("127.0.0.1", port)}
        container = client.containers.run(image, server.argv("0.0.0.0:5000"), **options)
    url = f"http://127.0.0.1:{port}/"

    def exited() -> str | None:
        container.reload()
        return None if container.status == "running" else f"{container.name} is {container.status}"

    wait_for_http(url, timeout=60, still_running=exited)
    return container, url


def measure_servers(
    client: docker.DockerClient,
    image: str,
    labels: dict[str, str],
    hello_dir: Path,
    plan: Plan,
    prefix: str,
    progress: Callable[[str], None] = print,
    chosen: list[Server] | None = None,
) -> dict[str, WrkResult]:
    """Start every configuration (``servers(cpus)`` unless ``chosen``), load each with wrk round-robin
    ``plan.repetitions`` times; return the medians by key.

    The containers are removed afterwards (the notebook's cleanup would remove them too).
    """
    chosen = chosen if chosen is not None else servers(int(client.info()["NCPU"]))
    write_bench_apps(hello_dir)
    started: list[tuple[Server, docker.models.containers.Container, str]] = []
    runs: dict[str, list[WrkResult]] = {}
    try:
        for server in chosen:
            container, url = start_server(client, image, server, labels, hello_dir, prefix)
            started.append((server, container, url))
        for repetition in range(1, plan.repetitions + 1):
            for server, _, url in started:
                result = run_wrk(url, plan.seconds, plan.connections)
                runs.setdefault(server.key, []).append(result)
                progress(f"round {repetition}/{plan.repetitions}: {server.key:<13} {result.requests_per_s:6.0f} req/s")
    finally:
        for _, container, _ in started:
            container.remove(force=True)
    return {key: median_result(results) for key, results in runs.items()}
