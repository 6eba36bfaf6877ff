"""Drill 8: a kernel killed in the middle of a build, and in the middle of a push.

A real kernel runs a first cell (``Notebook``, a Dockerfile, for the push a local registry and
an image with a 800 MB layer), then a cell typed as a learner types it (``!docker build …`` or
``!docker push …``); a few seconds into that cell the kernel gets SIGKILL, as when it crashes
or is restarted. What the killed command left is reported: a `docker` process still running,
an image that appeared anyway. Then the same cells run again from the top in a new kernel
and must pass, and the notebook's cleanup must leave nothing labelled.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import uuid
from collections.abc import Callable

import docker
import nbformat
import requests
from nbclient import NotebookClient

from workbook.cleanup import labelled_objects
from workbook.drills import Outcome, say
from workbook.images import resolved
from workbook.layout import ROOT

NAME = "drills-interrupt"
KILL_AFTER = {"build": 2.0, "push": 0.2}  # seconds after the cell's `docker` process appears
BUILD_TAG = "wbdr-interrupt:build"
FIRST = f"""\
import workbook
nb = workbook.Notebook({NAME!r}, quiet=True)
folder = nb.temp_dir("slow")
(folder / "Dockerfile").write_text("FROM {{base}}\\nRUN {{step}}\\n")
"""
BUILD_STEP = "sleep 10 && echo {token} > /built"  # a new token each time: never from the build cache
BUILD = f"!docker build --progress=plain --label {{nb.label}} -t {BUILD_TAG} {{folder}}"
PUSH_SETUP = """\
from workbook.registry import registry_config, start_registry
config = nb.temp_dir("registry")
(config / "config.yml").write_text(registry_config())
registry = start_registry(nb.client, "wbdr-interrupt-registry", None, nb.labels, config)
pushed = registry.host + "/wbdr/blob:1"
!docker build --quiet --label {nb.label} -t {pushed} {folder} > /dev/null
"""
PUSH_STEP = "head -c 800000000 /dev/urandom > /blob"
PUSH = "!docker push {pushed}"


def kill_during(cells: list[str], word: str, seconds: float, env: dict[str, str]) -> None:
    """Run every cell but the last; start the last and SIGKILL the kernel ``seconds`` after its
    `docker` process (one that mentions ``word``) appears."""
    asyncio.run(_kill_during(cells, word, seconds, env))


async def _kill_during(cells: list[str], word: str, seconds: float, env: dict[str, str]) -> None:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells])
    runner = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    async with runner.async_setup_kernel(env=env):
        for index, cell in enumerate(notebook.cells[:-1]):
            await runner.async_execute_cell(cell, index)
        last = len(notebook.cells) - 1
        running = asyncio.ensure_future(runner.async_execute_cell(notebook.cells[last], last))
        for _ in range(200):  # up to 10 s for the cell to start its command
            if docker_processes(word):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(seconds)
        os.kill(runner.km.provisioner.process.pid, signal.SIGKILL)
        try:
            await asyncio.wait_for(running, timeout=30)
        except Exception:  # noqa: BLE001 - the kernel died under the cell: that is the point
            pass


def docker_processes(word: str) -> list[str]:
    """Command lines of running `docker` processes that mention ``word``."""
    found = subprocess.run(["pgrep", "-af", f"docker .*{word}"], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if "pgrep" not in line]


def rerun(cells: list[str], env: dict[str, str]) -> list[str]:
    """The cells again in a new kernel, then the cleanup; the errors they showed (none: passed)."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in [*cells, "nb.cleanup()"]])
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(ROOT)}}
    ).execute(env=env)
    return [
        f"{output['ename']}: {output['evalue']}"[:200]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]


def built(client: docker.DockerClient) -> str:
    """Whether the interrupted build made its image anyway."""
    return "its image exists" if client.images.list(name=BUILD_TAG) else "no image"


def pushed(client: docker.DockerClient) -> str:
    """What the registry holds of the interrupted push."""
    registry = client.containers.get("wbdr-interrupt-registry")
    port = registry.ports["5000/tcp"][0]["HostPort"]
    tags = requests.get(f"http://127.0.0.1:{port}/v2/wbdr/blob/tags/list", timeout=5)
    if not tags.ok:
        return f"the push was cut (the registry answers HTTP {tags.status_code} for the repository)"
    return f"the push had finished (the registry lists {tags.json().get('tags') or 'no tag'})"


def case(
    client: docker.DockerClient,
    what: str,
    cells: list[str],
    word: str,
    env: dict[str, str],
    seen: Callable[[docker.DockerClient], str],
) -> tuple[list[str], str]:
    """Kill the kernel during the last cell, report what the command left, rerun; (problems, what was seen)."""
    kill_during(cells, word, KILL_AFTER[what], env)
    lingering = docker_processes(word)
    after_kill = seen(client)
    say(
        f"{what}: kernel killed {KILL_AFTER[what]:g} s into `{cells[-1].splitlines()[-1][:50]}`; "
        f"docker processes left: {len(lingering)}; {after_kill}"
    )
    errors = rerun(cells, env)
    left = labelled_objects(client, NAME) + docker_processes(word)
    say(f"{what}: run again from the top: {'passed' if not errors else errors}; left afterwards: {left or 'nothing'}")
    problems = [f"{what}: the rerun failed: {error}" for error in errors]
    if left:
        problems.append(f"{what}: left {', '.join(left)}")
    return problems, f"{what}: {len(lingering)} docker processes, {after_kill}"


def drill(client: docker.DockerClient) -> Outcome:
    """A build and a push, each interrupted by a killed kernel, then run again."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}
    base = resolved("python")
    step = BUILD_STEP.format(token=uuid.uuid4().hex)
    build_cells = [FIRST.format(base=base, step=step), BUILD]
    push_cells = [FIRST.format(base=base, step=PUSH_STEP), PUSH_SETUP, PUSH]
    build_problems, build_seen = case(client, "build", build_cells, BUILD_TAG, env, built)
    push_problems, push_seen = case(client, "push", push_cells, "wbdr/blob", env, pushed)
    problems = build_problems + push_problems
    measured = (
        f"killed while running ({build_seen}; {push_seen}); both reruns passed, nothing left"
        if not problems
        else "; ".join(problems)
    )
    return Outcome("8 interrupted build and push", not problems, measured, problems=problems)
