"""Read what the builders say: their steps, which came from the cache, and how long each took.

BuildKit (``docker build`` on Engine 23 and later, through buildx) with
``--progress=plain`` prints each instruction as ``#7 [3/6] RUN …``, then ``#7 CACHED``
when the cache served it or ``#7 DONE 1.2s`` when it ran; ``buildkit_build`` runs such
a command and reads its steps (``parse_buildkit``).

The legacy builder (every build through the Docker SDK for Python) prints
``Step n/m : INSTRUCTION`` for each instruction; ``summary_lines`` keeps those.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docker

from workbook.buildkit import with_tag
from workbook.cli import Result, run, shown_command

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
    result: Result | None = None

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
    """The stable lines of a build log: ``Step n/m : …`` and ``Successfully built/tagged …``.

    A BuildKit log (``docker build`` on current engines) has no ``Step`` lines; its
    stable lines are ``buildkit_summary``'s (``[n/m] INSTRUCTION``, ``naming to …``).
    """
    lines = [line for line in log.splitlines() if STEP_LINE.match(line) or RESULT_LINE.match(line)]
    return lines or buildkit_summary(log)


def cli_build(command: str, cwd: str | Path | None = None) -> Result:
    """Run a ``docker build …`` command line; print ``$ command`` and the log's stable lines.

    The full log (pip's download lines, intermediate container IDs) changes from run to
    run, so only ``summary_lines`` are printed; when the build fails the whole log is
    printed and CommandFailed raised.
    """
    result = run(command, cwd=cwd, check=False, show=False)
    print(f"$ {shown_command(command)}")
    if not result.ok:
        print(result.output.rstrip("\n"))
        from workbook.errors import CommandFailed

        raise CommandFailed(f"`{command}` exited with status {result.returncode}; its output is above.")
    print("\n".join(summary_lines(result.output)))
    return result


# BuildKit's plain progress: "#7 [3/6] RUN …" (or "#7 [stage-1 3/6] …"), then "#7 CACHED" or "#7 DONE 1.2s".
BUILDKIT_STEP = re.compile(r"^#(\d+) \[(?:\S+ )?(\d+)/(\d+)\] (.*)$")
BUILDKIT_STATUS = re.compile(r"^#(\d+) (CACHED|DONE (\d+(?:\.\d+)?)s|ERROR\b.*)$")
BUILDKIT_NAMING = re.compile(r"^#\d+ naming to (\S+?)(?: \d+(?:\.\d+)?s)?(?: done)?$")
BUILDKIT_ERROR = re.compile(r"^(ERROR: .*|Dockerfile:\d+|\s*\d+ \| >>> .*)$")


def parse_buildkit(log: str) -> list[Step]:
    """The Dockerfile steps of a BuildKit ``--progress=plain`` log, in Dockerfile order.

    A step is cached when BuildKit printed ``CACHED`` for it; its seconds are those of its
    ``DONE`` line (0 for a cached step). ``[internal]`` steps are left out.
    """
    steps: dict[int, Step] = {}
    vertices: dict[str, Step] = {}  # BuildKit's "#N" vertex numbers; one step may show under two
    for line in log.splitlines():
        match = BUILDKIT_STEP.match(line)
        if match:
            vertex, number, _, instruction = match.groups()
            vertices[vertex] = steps.setdefault(int(number), Step(int(number), instruction))
            continue
        status = BUILDKIT_STATUS.match(line)
        if status and status.group(1) in vertices:
            step = vertices[status.group(1)]
            if status.group(2) == "CACHED":
                step.cached = True
            elif status.group(3):
                step.seconds = max(step.seconds, float(status.group(3)))
    return sorted(steps.values(), key=lambda step: step.number)


def buildkit_summary(log: str, status: bool = False) -> list[str]:
    """The stable lines of a BuildKit log: one ``[n/m] INSTRUCTION`` per step, then ``naming to …``.

    With ``status``, each step line ends in ``CACHED`` or ``RUN`` (whether the cache
    served it: that depends on what was built before on the engine).
    """
    total = max((int(m.group(3)) for m in map(BUILDKIT_STEP.match, log.splitlines()) if m), default=0)
    lines = []
    for step in parse_buildkit(log):
        line = f"[{step.number}/{total}] {step.instruction}"
        lines.append(f"{line}  {'CACHED' if step.cached else 'RUN'}" if status else line)
    names = dict.fromkeys(with_tag(m.group(1)) for m in map(BUILDKIT_NAMING.match, log.splitlines()) if m)
    lines += [f"naming to {name}" for name in names]
    return lines


def buildkit_errors(log: str) -> list[str]:
    """The lines of a failed BuildKit log that say what failed: the Dockerfile line, its excerpt, the final ERROR.

    The ``#N ERROR`` line of the failed step says the same as the final one, under a
    vertex number that changes from run to run, so it is left out.
    """
    return [line for line in log.splitlines() if BUILDKIT_ERROR.match(line)]


def buildkit_build(
    command: str,
    cwd: str | Path | None = None,
    status: bool = False,
    check: bool = True,
    clock: Callable[[], float] = time.monotonic,
) -> BuildRun:
    """Run a ``docker build --progress=plain …`` command line; print ``$ command`` and the stable lines.

    Prints ``buildkit_summary`` of the log (pip's download lines and timings change from
    run to run). On failure it prints ``buildkit_errors`` of the log, then raises
    CommandFailed unless ``check`` is False. The BuildRun holds the steps, the wall-clock
    seconds and the Result (``.result.output`` is the whole log); its image is None.
    """
    if "--progress=plain" not in command:
        raise ValueError("buildkit_build reads BuildKit's plain progress: add --progress=plain to the command.")
    started = clock()
    result = run(command, cwd=cwd, check=False, show=False)
    seconds = clock() - started
    print(f"$ {shown_command(command)}")
    if not result.ok:
        print("\n".join(buildkit_errors(result.output) or result.output.splitlines()[-10:]))
        if check:
            from workbook.errors import CommandFailed, disk_full_hint

            raise CommandFailed(
                disk_full_hint(result.output)
                or f"`{command}` exited with status {result.returncode}; the builder's error is above."
            )
    else:
        print("\n".join(buildkit_summary(result.output, status=status)))
    return BuildRun(image=None, steps=parse_buildkit(result.output), seconds=seconds, result=result)
