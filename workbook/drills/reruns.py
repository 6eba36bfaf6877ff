"""Drill 4: reruns and interruption, on notebook 04 (the budget allows one notebook).

First a kernel is killed (SIGKILL) right after 04 started its first container; then 04
runs from the top under nbval lax, twice in a row: the first of those is the rerun after
the interruption, the second the plain rerun.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import docker
import nbformat
from nbclient import NotebookClient

from workbook.drills import Outcome, say
from workbook.layout import ROOT, STATE_DIR

NOTEBOOK = ROOT / "notebooks" / "04-container.ipynb"
FIRST_CONTAINER = "docker run -d --name wb04-web"


def interrupted_run(client: docker.DockerClient, env: dict[str, str]) -> tuple[int, str]:
    """Execute 04 up to the cell that starts wb04-web, then SIGKILL the kernel; (cells run, wb04-web's state)."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    runner = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    ran = 0
    with runner.setup_kernel(env=env):
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            runner.execute_cell(cell, index)
            ran += 1
            if FIRST_CONTAINER in cell.source:
                break
        pid = runner.km.provisioner.process.pid
        os.kill(pid, signal.SIGKILL)
        say(f"ran {ran} code cells of 04, up to `{FIRST_CONTAINER} …`; SIGKILL to its kernel (pid {pid})")
        time.sleep(0.5)
    try:
        left = client.containers.get("wb04-web").status
    except docker.errors.NotFound:
        left = "absent"
    return ran, left


def nbval_run(attempt: int, env: dict[str, str]) -> tuple[bool, str, float]:
    """04 from the top under nbval lax; (passed, pytest's last line and failed cells, seconds).

    The whole pytest output goes to .workbook/logs/drills-04-run<attempt>.log.
    """
    start = time.monotonic()
    done = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "pytest"), "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
            "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=600", str(NOTEBOOK),
        ],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
        env=env,
    )  # fmt: skip
    seconds = time.monotonic() - start
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-200:]
    last = re.sub(r"\x1b\[[0-9;]*m", "", last).strip("= ")
    log = STATE_DIR / "logs" / f"drills-04-run{attempt}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(done.stdout + done.stderr)
    failed = re.findall(r"^FAILED \S+::(Cell \d+)", re.sub(r"\x1b\[[0-9;]*m", "", done.stdout), re.M)
    if failed:
        last += f" ({', '.join(failed)}; log {log.relative_to(ROOT)})"
    return done.returncode == 0, last, seconds


def wait_for_quiet_engine(client: docker.DockerClient, timeout: float = 180) -> int:
    """Wait until no container of 04 exists (another run of 04 would clash with fixed names)."""
    deadline = time.monotonic() + timeout
    while True:
        # The raw list: the SDK's would inspect each container, and another run may remove one meanwhile.
        busy = client.api.containers(all=True, filters={"label": "org.workbook.notebook=04-container"})
        if not busy or time.monotonic() >= deadline:
            return len(busy)
        time.sleep(2)


def drill(client: docker.DockerClient) -> Outcome:
    """Kill 04's kernel after its first container, then run 04 twice from the top."""
    busy = wait_for_quiet_engine(client)
    if busy:
        problem = f"another run of 04 kept {busy} containers on the engine for 3 minutes; run the drills alone"
        return Outcome("4 reruns + interruption (04)", False, "not run: engine busy with 04", problems=[problem])
    # A private TMPDIR: the temp folders 04 makes are told apart from other runs' on this host.
    private = Path(tempfile.mkdtemp(prefix="wbdr-tmp-"))
    env = {
        **os.environ,
        "TMPDIR": str(private),
        "PYTHONPATH": str(ROOT),
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
    }
    try:
        ran, left = interrupted_run(client, env)
        say(f"the killed run left wb04-web {left}")
        runs = []
        for number, attempt in enumerate(("rerun after the kill", "second rerun"), 1):
            passed, last, seconds = nbval_run(number, env)
            runs.append({"run": attempt, "passed": passed, "result": last, "seconds": round(seconds, 1)})
            say(f"04 {attempt}: {last} ({seconds:.0f} s)")
        kept = sorted(path.name for path in private.iterdir() if path.name.startswith("wb04-"))
    finally:
        shutil.rmtree(private, ignore_errors=True)
    say(f"temp folders 04 left in its TMPDIR: {kept or 'none'}")
    problems = [f"04 {r['run']}: {r['result']}" for r in runs if not r["passed"]]
    if kept:
        problems.append(f"04 left temp folders behind: {', '.join(kept)}")
    measured = f"kernel killed after {ran} cells (wb04-web {left}); " + "; ".join(
        f"{r['run']}: {r['result']} in {r['seconds']:.0f} s" for r in runs
    )
    data = {"runs": runs, "finished": time.time()}
    return Outcome("4 reruns + interruption (04)", not problems, measured, problems=problems, data=data)
