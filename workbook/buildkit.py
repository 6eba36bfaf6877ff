"""Read what BuildKit says: ``docker build --progress=plain`` logs, shown in a stable form.

``docker build`` is BuildKit (the buildx plugin). With ``--progress=plain`` it prints
numbered progress records: ``#6 [2/5] WORKDIR /usr/src/app`` opens a Dockerfile step,
``#6 CACHED`` or ``#6 DONE 0.1s`` closes it, and a failed build ends with a report that
does not start with ``#`` (the Dockerfile excerpt and an ``ERROR:`` line). The record
numbers and timings change from run to run (steps run in parallel); the step texts, the
image name and the error report do not, and those are what ``buildkit_build`` prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from workbook.cli import Result, run
from workbook.errors import CommandFailed

STEP_HEADER = re.compile(r"^#(\d+) \[(?:([\w.-]+) )?(\d+)/(\d+)\] (.*)$")
CACHED = re.compile(r"^#(\d+) CACHED$")
NAMING = re.compile(r"^#\d+ naming to (\S+)")


@dataclass
class BuildKitStep:
    """One Dockerfile step of a BuildKit build: ``[number/total] instruction``, cached or run."""

    record: int
    number: int
    total: int
    instruction: str
    stage: str | None = None
    cached: bool = False

    @property
    def label(self) -> str:
        """``[2/5] WORKDIR /usr/src/app`` (``[stage 2/5] …`` in a multi-stage build), as BuildKit prints it."""
        prefix = f"{self.stage} " if self.stage else ""
        return f"[{prefix}{self.number}/{self.total}] {self.instruction}"


def parse_steps(log: str) -> list[BuildKitStep]:
    """The Dockerfile steps of a plain BuildKit log, in Dockerfile order, each once."""
    steps: dict[int, BuildKitStep] = {}
    for line in log.splitlines():
        header = STEP_HEADER.match(line)
        if header:
            record = int(header.group(1))
            steps.setdefault(
                record,
                BuildKitStep(record, int(header.group(3)), int(header.group(4)), header.group(5), header.group(2)),
            )
            continue
        cached = CACHED.match(line)
        if cached and int(cached.group(1)) in steps:
            steps[int(cached.group(1))].cached = True
    return sorted(steps.values(), key=lambda step: (step.stage or "", step.number))


def with_tag(reference: str) -> str:
    """``reference`` with its tag: ``docker.io/library/x`` -> ``docker.io/library/x:latest``.

    BuildKit's log names the image with its tag on the containerd image store and without
    the implied ``:latest`` on the classic store.
    """
    if "@" in reference or ":" in reference.rsplit("/", 1)[-1]:
        return reference
    return f"{reference}:latest"


def named_images(log: str) -> list[str]:
    """The names the build gave its image (``naming to docker.io/library/x:latest``), each once."""
    names = [with_tag(match.group(1)) for line in log.splitlines() if (match := NAMING.match(line))]
    return list(dict.fromkeys(names))


def error_report(log: str) -> str:
    """The report a failed build ends with: every line after the last progress record (``#…``)."""
    lines = log.rstrip("\n").splitlines()
    last_record = max((i for i, line in enumerate(lines) if line.startswith("#")), default=-1)
    return "\n".join(lines[last_record + 1 :]).strip("\n")


def summary_lines(log: str) -> list[str]:
    """The stable lines of a successful build: its steps' instructions in order, then the image's names.

    The ``[n/total]`` prefix is left out: a step that an earlier build also had (same
    instruction, same input) may keep the name, and the total, it was given there.
    """
    # By number, not stage: a step shared with another build running at the same time (same
    # parent chain, so the same depth) keeps that build's name, stage included (``[base 1/4] FROM``).
    steps = [step.instruction for step in sorted(parse_steps(log), key=lambda step: step.number)]
    return steps + [f"naming to {name}" for name in named_images(log)]


def buildkit_build(command: str, cwd: str | Path | None = None, check: bool = True) -> Result:
    """Run a ``docker build --progress=plain …`` command; print ``$ command`` and what is stable in its log.

    A successful build prints its steps and the image's name (the full log holds
    timings and pip's download lines). A failed build prints BuildKit's error report;
    with ``check`` it prints the whole log and raises CommandFailed.
    """
    result = run(command, cwd=cwd, check=False, show=False)
    print(f"$ {command}")
    if result.ok:
        print("\n".join(summary_lines(result.output)))
    elif check:
        print(result.output.rstrip("\n"))
        raise CommandFailed(f"`{command}` exited with status {result.returncode}; its output is above.")
    else:
        print(error_report(result.output))
    return result
