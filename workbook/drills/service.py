"""Drills 2 and 3 (container part): the workbook's service under load, and faults under load.

The image is the workbook's own (docker/Dockerfile, the resolved base), labelled for the
drills. Load comes from `wrk` on the loopback, against ports the drills published.
"""

from __future__ import annotations

import subprocess
import time

import docker

from workbook.bench import parse_wrk, run_wrk, wrk_command
from workbook.cli import run
from workbook.containers import processes, wait_for_log, wait_for_restart_count
from workbook.drills import Outcome, say
from workbook.images import resolved
from workbook.layout import ROOT
from workbook.ports import any_free_port
from workbook.web import wait_for_http

IMAGE = "workbook/flask-app:drills"


def build_image(label: str) -> float:
    """Build the workbook's image for the drills; return the seconds it took."""
    start = time.monotonic()
    run(
        f"docker build --progress=quiet -f {ROOT}/docker/Dockerfile --build-arg PYTHON_IMAGE={resolved('python')} "
        f"--label {label} -t {IMAGE} {ROOT}/app",
        show=False,
        timeout=900,
    )
    return time.monotonic() - start


def start_web(client: docker.DockerClient, name: str, label: str, options: str = "") -> str:
    """Run the image as ``name`` published on a free loopback port; return its URL once it answers."""
    port = any_free_port()
    run(f"docker run -d --name {name} --label {label} {options} -p 127.0.0.1:{port}:5000 {IMAGE}", show=False)
    url = f"http://127.0.0.1:{port}/"
    wait_for_http(url, timeout=60)
    wait_for_log(client, name, "Booting worker", count=2, timeout=60)
    return url


def load_drill(client: docker.DockerClient, label: str, seconds: int) -> Outcome:
    """Drill 2: a bounded load at 64 connections: zero socket errors, zero non-2xx."""
    url = start_web(client, "wbdr-load", label)
    say(f"wbdr-load answers at {url}; wrk: {seconds} s, 64 connections, 2 threads")
    load = run_wrk(url, seconds, connections=64)
    say(f"{load.requests} requests, {load.requests_per_s:.0f}/s, median {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms")
    say(f"socket errors {load.socket_errors}, non-2xx {load.non_2xx}")
    run("docker rm -f wbdr-load", show=False)
    problems = [f"{n} {what}" for n, what in ((load.socket_errors, "socket errors"), (load.non_2xx, "non-2xx")) if n]
    measured = (
        f"{seconds} s x 64 conn: {load.requests} req ({load.requests_per_s:.0f}/s), median {load.p50_ms:.1f} ms, "
        f"p99 {load.p99_ms:.1f} ms, {load.socket_errors} socket errors, {load.non_2xx} non-2xx"
    )
    data = load.as_dict() | {"seconds": seconds}
    return Outcome("2 load (wrk)", not problems, measured, problems=problems, data=data)


def worker_kill_drill(client: docker.DockerClient, label: str, handful: int = 5) -> Outcome:
    """Drill 3a: SIGKILL one gunicorn worker under load; it is replaced, few requests fail."""
    url = start_web(client, "wbdr-worker", label)
    wrk = subprocess.Popen(
        wrk_command(url, 10, connections=64), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    time.sleep(3)
    before = [p for p in processes(client, "wbdr-worker") if p.ppid == 1 and p.program == "gunicorn"]
    victim = before[0].pid
    run(f"docker exec -u root wbdr-worker sh -c 'kill -KILL {victim}'", show=False)
    killed_at = time.monotonic()
    say(f"under load: SIGKILL to worker pid {victim} (of {[p.pid for p in before]})")
    wait_for_log(client, "wbdr-worker", "Booting worker", count=3, timeout=30)
    replaced_in = time.monotonic() - killed_at
    after = [p.pid for p in processes(client, "wbdr-worker") if p.ppid == 1 and p.program == "gunicorn"]
    out, _ = wrk.communicate(timeout=60)
    load = parse_wrk(out)
    failed = load.errors
    say(f"workers now {after} (replaced in {replaced_in:.1f} s); {load.requests} requests, {failed} failed")
    run("docker rm -f wbdr-worker", show=False)
    problems = []
    if victim in after or len(after) != 2:
        problems.append(f"workers after the kill: {after}")
    if failed > handful:
        problems.append(f"{failed} requests failed (more than {handful})")
    measured = f"replaced in {replaced_in:.1f} s; {failed} of {load.requests} requests failed under load"
    data = {"replaced_s": replaced_in, "failed": failed, "requests": load.requests, "workers": after}
    return Outcome("3a worker SIGKILL", not problems, measured, problems=problems, data=data)


def crash_drill(client: docker.DockerClient, label: str) -> Outcome:
    """Drill 3b: a crashed container (its PID 1 killed from the host's PID namespace) is restarted."""
    url = start_web(client, "wbdr-crashy", label, "--restart on-failure")
    pid = client.containers.get("wbdr-crashy").attrs["State"]["Pid"]
    # As notebook 04 shows: `kill -KILL 1` inside is ignored by PID 1; from the host's PID namespace
    # it is a real crash (exit 137), which the restart policy answers; `docker kill` would not be.
    start = time.monotonic()
    run(f"docker run --rm --label {label} --pid=host -u root {IMAGE} sh -c 'kill -KILL {pid}'", show=False)
    count = wait_for_restart_count(client, "wbdr-crashy", 1, timeout=30)
    wait_for_http(url, timeout=60)
    back_in = time.monotonic() - start
    state = client.containers.get("wbdr-crashy").attrs["State"]
    say(f"killed PID 1 (host pid {pid}): restart count {count}, {state['Status']}, back after {back_in:.1f} s")
    run("docker rm -f wbdr-crashy", show=False)
    ok = count == 1 and state["Status"] == "running"
    measured = f"restart count {count}, answering again {back_in:.1f} s after the crash"
    return Outcome("3b container crash", ok, measured, data={"restarts": count, "back_s": back_in})
