"""Read what the classic builder says: its steps, which came from the cache, and how long each took.

The classic builder (``docker build`` without BuildKit, and every build through the SDK)
prints ``Step n/m : INSTRUCTION`` for each instruction, then `` ---> Using cache`` when
the layer already exists. ``timed_build`` streams a build through the SDK and records,
for each step, whether it was cached and how many seconds it took.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docker
from workbook.build import BuildStream
from workbook.cli import Result, run

STEP_LINE = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
RESULT_LINE = re.compile(r"^Successfully (built|tagged) ")
USING_CACHE = " ---> Using cache"


@dataclass
class Step:
    """One instruction of a build: its number, text, whether the cache served it, its duration."""

    number: int
    instruction: str
    cached: bool = False
    seconds: float = 0.0

    @property
    def keyword(self) -> str:
        """The instruction's keyword, upper case (``RUN``, ``COPY``…)."""
        return self.instruction.split(None, 1)[0].upper() if self.instruction else ""


@dataclass
class BuildRun:
    """A finished build: the image, its steps and the total wall-clock time."""

    image: docker.models.images.Image | None
    steps: list[Step] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def cached_steps(self) -> int:
        """How many steps the cache served."""
        return sum(step.cached for step in self.steps)

    def step(self, starts_with: str) -> Step:
        """The first step whose instruction starts with ``starts_with`` (KeyError when none)."""
        for candidate in self.steps:
            if candidate.instruction.startswith(starts_with):
                return candidate
        raise KeyError(starts_with)


def parse_steps(log: str) -> list[Step]:
    """The steps of a classic-builder log (CLI output or the SDK's stream, joined).

    Durations are unknown from text alone and stay 0.
    """
    steps: list[Step] = []
    for line in log.splitlines():
        match = STEP_LINE.match(line)
        if match:
            steps.append(Step(int(match.group(1)), match.group(3)))
        elif line.startswith(USING_CACHE) and steps:
            steps[-1].cached = True
    return steps


def summary_lines(log: str) -> list[str]:
    """The stable lines of a build log: ``Step n/m : …`` and ``Successfully built/tagged …``."""
    return [line for line in log.splitlines() if STEP_LINE.match(line) or RESULT_LINE.match(line)]


def cli_build(command: str, cwd: str | Path | None = None) -> Result:
    """Run a ``docker build …`` command line; print ``$ command`` and the log's stable lines.

    The full log (pip's download lines, intermediate container IDs) changes from run to
    run, so only ``summary_lines`` are printed; when the build fails the whole log is
    printed and CommandFailed raised.
    """
    result = run(command, cwd=cwd, check=False, show=False)
    print(f"$ {command}")
    if not result.ok:
        print(result.output.rstrip("\n"))
        from workbook.errors import CommandFailed

        raise CommandFailed(f"`{command}` exited with status {result.returncode}; its output is above.")
    print("\n".join(summary_lines(result.output)))
    return result


def timed_build(
    client: docker.DockerClient,
    context: str | Path,
    tag: str,
    dockerfile: str | Path | None = None,
    buildargs: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    nocache: bool = False,
    clock: Callable[[], float] = time.monotonic,
) -> BuildRun:
    """Build like ``workbook.build.build_image`` and time every step; BuildFailed on errors.

    A step's time runs from its ``Step`` line to the next one (the last step's, to the
    end of the stream), so a cached step costs only the builder's bookkeeping.
    """
    stream = BuildStream(client, context, tag, dockerfile, buildargs, labels, nocache)
    build = BuildRun(image=None)
    started = step_started = clock()
    for line in stream.lines():
        match = STEP_LINE.match(line)
        if match:
            now = clock()
            if build.steps:
                build.steps[-1].seconds = now - step_started
            step_started = now
            build.steps.append(Step(int(match.group(1)), match.group(3)))
        elif line.startswith(USING_CACHE) and build.steps:
            build.steps[-1].cached = True
    ended = clock()
    if build.steps:
        build.steps[-1].seconds = ended - step_started
    build.seconds = ended - started
    build.image = stream.image()
    return build
