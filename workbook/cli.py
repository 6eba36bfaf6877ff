"""Run a command as a learner would type it and print its output in a stable form."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from workbook.errors import CommandFailed, disk_full_hint

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


COMPOSE_MISSING = (
    "Docker Compose v2 is missing (`docker compose` is not a docker command here): "
    "run `make setup`, which installs the pinned plugin, or install Docker's compose plugin."
)


def missing_compose(command: str, output: str) -> bool:
    """True when ``command`` used `docker compose` and the CLI said it has no such command."""
    return "docker compose" in command and (
        "'compose' is not a docker command" in output or "unknown command: docker compose" in output
    )


TAKEN_PORT = re.compile(
    r"Bind for \S*?:(\d+) failed: port is already allocated"  # another container holds it
    r"|failed to bind host port for (?:[\d.]+|\[[^\]]*\]):(\d+):\S* address already in use"  # a host program
    r"|listen tcp[46]? \S*?:(\d+): bind: address already in use"  # the same, through docker-proxy
)


def failure_hint(command: str, output: str) -> str | None:
    """One line naming the fix for failures a learner meets often; None for the others."""
    if missing_compose(command, output):
        return COMPOSE_MISSING
    taken = TAKEN_PORT.search(output)
    if taken:
        port = next(group for group in taken.groups() if group)
        return (
            f"Host port {port} is taken (another program or container holds it), so the engine refused "
            f"`{command}`: choose a free port with nb.port({port}), or stop what holds it."
        )
    return disk_full_hint(output)


def stop_group(process: subprocess.Popen, grace: float = 2.0) -> None:
    """SIGTERM the process group that ``process`` leads, SIGKILL what is left after ``grace`` s, reap it."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except (ProcessLookupError, PermissionError, subprocess.TimeoutExpired):
        pass
    try:  # the shell may be gone while a process it started still runs in the group
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


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
    # Its own process group, so that a timeout or Ctrl-C stops every process of a
    # pipeline (`docker logs -f x | grep y`), not only the shell in front of them.
    process = subprocess.Popen(
        ["bash", "-c", command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
        env=merged_env,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        stdout, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_group(process)
        raise CommandFailed(f"`{command}` did not finish within {timeout:g} s.") from None
    except BaseException:  # KeyboardInterrupt (a notebook's Interrupt) included
        stop_group(process)
        raise
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout)
    result = Result(command, done.returncode, clean_output(done.stdout))
    if show:
        print(f"$ {shown_command(command)}")
        if result.output.strip():
            print(result.output.rstrip("\n"))
    if check and not result.ok:
        hint = failure_hint(command, result.output)
        if hint:
            raise CommandFailed(hint)
        raise CommandFailed(f"`{command}` exited with status {result.returncode}; its output is above.")
    return result
