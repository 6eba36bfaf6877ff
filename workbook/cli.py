"""Run a command as a learner would type it and print its output in a stable form."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from workbook.errors import CommandFailed

REPOSITORY = Path(__file__).resolve().parent.parent


def shown_command(command: str) -> str:
    """``command`` as typed in the current folder: paths inside the repository made relative.

    The checkout's absolute path is a fact of the machine; ``../docker/Dockerfile`` is not.
    """
    relative = os.path.relpath(REPOSITORY, os.getcwd())
    return command.replace(f"{REPOSITORY}/", "" if relative == "." else f"{relative}/")


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")

# Notices the 28.x docker CLI prints on every call against this project's engines. They say
# nothing about the command at hand, change with the CLI version, and would make every
# build cell differ between machines, so `run` leaves them out (notebook 03 shows one).
KNOWN_NOTICES = (
    re.compile(
        r"DEPRECATED: The legacy builder is deprecated and will be removed in a future release\.\n"
        r"(?:[ \t]+.*\n){0,3}(?:\n)?"
    ),
)


def clean_output(text: str) -> str:
    """Strip colour codes, carriage-return progress redraws and the CLI's known notices."""
    text = ANSI_ESCAPE.sub("", text)
    text = "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))
    for notice in KNOWN_NOTICES:
        text = notice.sub("", text)
    return text


@dataclass(frozen=True)
class Result:
    """What a command returned: its exit status and its cleaned, merged output."""

    command: str
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        """True when the command exited with status 0."""
        return self.returncode == 0

    @property
    def lines(self) -> list[str]:
        """The output's non-empty lines."""
        return [line for line in self.output.splitlines() if line.strip()]


def run(
    command: str,
    *,
    check: bool = True,
    show: bool = True,
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = 600,
) -> Result:
    """Run ``command`` in bash, print ``$ command`` and its output, and return a Result.

    stderr is merged into stdout in order, so a notebook cell shows one stream. With
    ``check`` a non-zero exit raises CommandFailed (after the output was printed);
    pass ``check=False`` to show a command's real error and assert on it.
    """
    merged_env = {**os.environ, **(env or {})}
    try:
        done = subprocess.run(
            ["bash", "-c", command],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=cwd,
            env=merged_env,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise CommandFailed(f"`{command}` did not finish within {timeout:g} s.") from None
    result = Result(command, done.returncode, clean_output(done.stdout))
    if show:
        print(f"$ {shown_command(command)}")
        if result.output.strip():
            print(result.output.rstrip("\n"))
    if check and not result.ok:
        raise CommandFailed(f"`{command}` exited with status {result.returncode}; its output is above.")
    return result
