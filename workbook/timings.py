"""Notebook 10's stopwatch measurements: start to first 200, cold vs cached build, docker stop by CMD form.

Each function repeats its measurement and returns every value (seconds); the caller
takes the median. Builds run `docker build` (BuildKit) over a temporary copy of app/,
so the repository's files stay unchanged.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import docker
import requests

from workbook.containers import wait_for_log
from workbook.errors import CommandFailed, ServiceNotReady
from workbook.layout import ROOT
from workbook.ports import any_free_port

SHELL_FORM_CMD = "CMD gunicorn --bind 0.0.0.0:5000 --workers 2 run:app\n"


def median(values: list[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def _timed(command: list[str], cwd: Path | None = None, timeout: float = 600) -> float:
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise CommandFailed(f"`{' '.join(command)}` exited with {done.returncode}: {done.stderr.strip()[-400:]}")
    return seconds


def start_to_200(
    client: docker.DockerClient, image: str, labels: dict[str, str], name: str, timeout: float = 60
) -> float:
    """Seconds from the API call that creates and starts a container of ``image`` to its first HTTP 200.

    The container is removed afterwards.
    """
    port = any_free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    container = client.containers.run(
        image, detach=True, name=name, labels=labels, ports={"5000/tcp": ("127.0.0.1", port)}
    )
    try:
        while time.monotonic() - started < timeout:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return time.monotonic() - started
            except requests.RequestException:
                pass
            time.sleep(0.02)
        raise ServiceNotReady(f"{name} did not answer 200 at {url} within {timeout:g} s.")
    finally:
        container.remove(force=True)


@dataclass(frozen=True)
class BuildTimes:
    """Seconds per build: with ``--no-cache`` and after a code-only edit (cache kept)."""

    cold: list[float]
    cached: list[float]


def build_command(context: Path, tag: str, python_image: str, label: str, no_cache: bool = False) -> list[str]:
    """`docker build` (BuildKit) of docker/Dockerfile over ``context``."""
    command = ["docker", "build", "--progress=plain", "-f", str(ROOT / "docker" / "Dockerfile")]
    command += ["--build-arg", f"PYTHON_IMAGE={python_image}", "--label", label, "-t", tag]
    return command + (["--no-cache"] if no_cache else []) + [str(context)]


def build_times(folder: Path, tag: str, python_image: str, label: str, repetitions: int) -> BuildTimes:
    """Build a copy of app/ in ``folder`` cold, then again after editing run.py, ``repetitions`` times."""
    context = folder / "app"
    shutil.rmtree(context, ignore_errors=True)
    shutil.copytree(ROOT / "app", context, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    cold, cached = [], []
    for repetition in range(repetitions):
        cold.append(_timed(build_command(context, tag, python_image, label, no_cache=True)))
        with (context / "run.py").open("a") as run_py:  # a code-only edit: only `COPY . .` changes
            run_py.write(f"# edit {repetition + 1}, {time.time_ns()}\n")
        cached.append(_timed(build_command(context, tag, python_image, label)))
    return BuildTimes(cold, cached)


@dataclass(frozen=True)
class StopTimes:
    """Seconds that `docker stop --time N` took per CMD form, and the exit codes seen."""

    exec_form: list[float]
    shell_form: list[float]
    exit_codes: dict[str, set[int]]


def shell_form_image(folder: Path, image: str, tag: str, label: str) -> str:
    """Build ``FROM image`` with a shell-form CMD (sh becomes PID 1) as ``tag``; return the tag."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Dockerfile").write_text(f"FROM {image}\n{SHELL_FORM_CMD}")
    _timed(["docker", "build", "--progress=plain", "--label", label, "-t", tag, str(folder)])
    return tag


def stop_once(
    client: docker.DockerClient, image: str, labels: dict[str, str], name: str, timeout: int
) -> tuple[float, int]:
    """Run ``image`` until gunicorn's two workers booted, then time `docker stop --time timeout`.

    Returns (seconds, exit code).
    """
    container = client.containers.run(image, detach=True, name=name, labels=labels)
    try:
        wait_for_log(client, name, "Booting worker", count=2, timeout=60)
        seconds = _timed(["docker", "stop", "--time", str(timeout), name])
        container.reload()
        return seconds, int(container.attrs["State"]["ExitCode"])
    finally:
        container.remove(force=True)


def stop_times(
    client: docker.DockerClient,
    images: dict[str, str],
    labels: dict[str, str],
    prefix: str,
    timeout: int,
    repetitions: int,
) -> StopTimes:
    """Time `docker stop` for the exec-form and shell-form images (``{"exec": …, "shell": …}``), alternating."""
    seconds: dict[str, list[float]] = {"exec": [], "shell": []}
    codes: dict[str, set[int]] = {"exec": set(), "shell": set()}
    for repetition in range(repetitions):
        for form in ("exec", "shell"):
            took, code = stop_once(client, images[form], labels, f"{prefix}-stop-{form}-{repetition}", timeout)
            seconds[form].append(took)
            codes[form].add(code)
    return StopTimes(seconds["exec"], seconds["shell"], codes)
