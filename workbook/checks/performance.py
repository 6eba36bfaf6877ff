"""Checks for the exercises of notebook 10 (Serving performance): each one measures for real with wrk.

A check finds the learner's container and checks how it runs (labelled, host networking,
bound to 127.0.0.1 only), then loads it with wrk. Exercise 2's check also starts the
configuration to beat (one sync worker) and loads both in turn; the learner's must win.
"""

from __future__ import annotations

import statistics

import docker
import docker.errors
import requests

from workbook.bench import WrkResult, run_wrk
from workbook.checks import passed, require
from workbook.errors import CheckFailed, ServiceNotReady
from workbook.owner import owned
from workbook.ports import any_free_port
from workbook.serving import WAIT_ANSWER
from workbook.web import wait_for_http

SECONDS = 1
ROUNDS = 3


def bind_of(command: list[str]) -> str | None:
    """The address gunicorn's ``--bind``/``-b`` option gives in ``command``, or None."""
    for i, arg in enumerate(command):
        if arg in ("--bind", "-b") and i + 1 < len(command):
            return command[i + 1]
        if arg.startswith("--bind="):
            return arg.split("=", 1)[1]
        if arg.startswith("-b") and len(arg) > 2:
            return arg[2:]
    return None


def _host_networked_gunicorn(
    client: docker.DockerClient, labels: dict[str, str], name: str
) -> tuple[docker.models.containers.Container, list[str], str]:
    """The learner's container: labelled, running gunicorn with host networking on 127.0.0.1; (container, cmd, url)."""
    try:
        container = client.containers.get(name)
    except docker.errors.NotFound:
        raise CheckFailed(
            f"There is no container called {name!r} yet: run it with `docker run -d --name {name} …`."
        ) from None
    have = container.labels or {}
    for key, value in labels.items():
        require(
            have.get(key) == value, f"{name} lacks the label {key}={value}; run it again with `--label {key}={value}`."
        )
    status = container.attrs["State"]["Status"]
    require(status == "running", f"{name} is {status}, not running; `docker logs {name}` says why.")
    mode = container.attrs["HostConfig"].get("NetworkMode")
    require(mode == "host", f"{name} uses the network {mode!r}; run it with `--network host`.")
    command = list(container.attrs["Config"].get("Cmd") or [])
    require(
        command[:1] == ["gunicorn"],
        f"{name} runs {' '.join(command)[:80]!r}; give the command as `gunicorn --bind 127.0.0.1:PORT …` "
        "after the image name.",
    )
    bind = bind_of(command)
    require(bind is not None, f"{name}'s gunicorn has no --bind; add `--bind 127.0.0.1:PORT`.")
    host, _, port = bind.rpartition(":")
    require(
        host == "127.0.0.1",
        f"{name} binds {bind}: with host networking that is "
        f"{'every address of the machine' if host in ('', '0.0.0.0') else host}, "
        "reachable from the network. Bind 127.0.0.1:PORT.",
    )
    return container, command, f"http://127.0.0.1:{port}/"


def _first_answer(url: str, name: str) -> requests.Response:
    """The first 200 from ``url`` (gunicorn may still be booting); CheckFailed when none comes within 60 s."""
    try:
        return wait_for_http(url, timeout=60)
    except ServiceNotReady:
        raise CheckFailed(f"Nothing answers 200 at {url} within 60 s; `docker logs {name}` says why.") from None


def _compare(yours: str, reference: str) -> tuple[WrkResult, WrkResult]:
    """Load both URLs in turn, ``ROUNDS`` times; the median requests/s of each, with all errors counted."""
    runs: dict[str, list[WrkResult]] = {yours: [], reference: []}
    for _ in range(ROUNDS):
        for url in runs:
            runs[url].append(run_wrk(url, SECONDS))
    out = []
    for results in runs.values():
        rate = statistics.median(r.requests_per_s for r in results)
        errors = sum(r.errors for r in results)
        out.append(
            WrkResult(
                sum(r.requests for r in results),
                SECONDS * ROUNDS,
                rate,
                results[0].p50_ms,
                results[0].p99_ms,
                errors,
                0,
            )
        )
    return out[0], out[1]


def check_host_network(client: docker.DockerClient, labels: dict[str, str], name: str = "wb10-ex1") -> bool:
    """Exercise 1: the Flask app under gunicorn with host networking, bound to 127.0.0.1 only, serves wrk's load.

    The check loads it with wrk (``ROUNDS`` × ``SECONDS``): no request may fail.
    """
    name = owned(name)
    _, _, url = _host_networked_gunicorn(client, labels, name)
    answer = _first_answer(url, name)
    require(answer.text == "Hello World!", f"{url} answered {answer.text[:60]!r}, not the Flask app's 'Hello World!'.")
    runs = [run_wrk(url, SECONDS) for _ in range(ROUNDS)]
    errors = sum(r.errors for r in runs)
    require(errors == 0, f"wrk counted {errors} failed requests on {name}; `docker logs {name}` says why.")
    rate = statistics.median(r.requests_per_s for r in runs)
    require(rate > 0, f"{name} answered no request under load; `docker logs {name}` says why.")
    return passed(f"{name}: host networking, listening on 127.0.0.1 only; {rate:.0f} req/s under wrk, 0 errors")


def check_waiting_scales(
    client: docker.DockerClient, labels: dict[str, str], name: str = "wb10-ex2", factor: float = 3.0
) -> bool:
    """Exercise 2: serving ``gil:wait`` (20 ms of waiting per request), beat one sync worker at least ``factor``×."""
    name = owned(name)
    container, command, url = _host_networked_gunicorn(client, labels, name)
    mounts = [m for m in container.attrs.get("Mounts") or [] if m.get("Destination") == "/bench"]
    require(
        mounts, f"{name} has no folder mounted at /bench; mount the notebook's bench folder with `-v FOLDER:/bench:ro`."
    )
    require("gil:wait" in command, f"{name} does not serve gil:wait; end its command with `--chdir /bench gil:wait`.")
    answer = _first_answer(url, name)
    require(answer.text == WAIT_ANSWER, f"{url} answered {answer.text[:60]!r}, not {WAIT_ANSWER!r} (the gil:wait app).")
    port = any_free_port()
    baseline = client.containers.run(
        container.attrs["Config"]["Image"],
        ["gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--chdir", "/bench", "gil:wait"],
        detach=True,
        labels=labels,
        name=f"{name}-one-worker",
        network_mode="host",
        volumes={mounts[0]["Source"]: {"bind": "/bench", "mode": "ro"}},
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", timeout=60)
        yours, one = _compare(url, f"http://127.0.0.1:{port}/")
    finally:
        baseline.remove(force=True)
    require(yours.errors == 0, f"wrk counted {yours.errors} failed requests on {name}; `docker logs {name}` says why.")
    times = yours.requests_per_s / max(one.requests_per_s, 1e-9)
    require(
        times >= factor,
        f"{name} served {yours.requests_per_s:.0f} req/s, ×{times:.1f} one sync worker "
        f"({one.requests_per_s:.0f} req/s); "
        f"the exercise asks for ×{factor:g}. More workers, or threads (`--worker-class gthread --threads N`): a thread "
        "that waits releases the GIL.",
    )
    return passed(
        f"{name}: {yours.requests_per_s:.0f} req/s on 20 ms waits, ×{times:.1f} one sync worker "
        f"({one.requests_per_s:.0f} req/s), 0 errors"
    )


__all__ = ["bind_of", "check_host_network", "check_waiting_scales"]
