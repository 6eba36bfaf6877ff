"""apt for setup: the host's own packages, or another suite's with a private apt state."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from workbook.errors import WorkbookError

UNSTABLE_SOURCE = (
    "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian unstable main"
)


def say(message: str) -> None:
    """Setup's progress line."""
    print(f"setup: {message}", flush=True)


def run_checked(command: list[str], what: str, env: dict | None = None) -> str:
    """Run ``command``; on failure raise WorkbookError with the tail of its error output."""
    done = subprocess.run(command, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-300:]
        raise WorkbookError(f"{what} failed (`{' '.join(command[:3])} …`): {tail}")
    return done.stdout


def apt_env() -> dict:
    """The environment for non-interactive apt."""
    return {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


def apt_install(packages: list[str]) -> None:
    """Install packages of the host's own suite (apt-get update first)."""
    say(f"installing Debian packages: {' '.join(packages)}")
    run_checked(["apt-get", "update", "-qq"], "apt-get update", apt_env())
    run_checked(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], "apt-get install", apt_env())


def host_candidate_version(package: str) -> str | None:
    """The version of ``package`` that the host's own apt would install, or None."""
    done = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.strip().startswith("Candidate:"):
            value = line.split(":", 1)[1].strip()
            return None if value == "(none)" else value
    return None


def private_apt_options(state: Path) -> list[str]:
    """apt options that use only ``state`` for sources, lists, cache and status."""
    for sub in ("lists/partial", "cache/archives/partial", "preferences.d"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    (state / "sources.list").write_text(UNSTABLE_SOURCE + "\n")
    (state / "status").touch()
    return [
        f"-oDir::Etc::SourceList={state / 'sources.list'}",
        "-oDir::Etc::SourceParts=/dev/null",
        f"-oDir::State::Lists={state / 'lists'}",
        f"-oDir::Cache={state / 'cache'}",
        f"-oDir::State::status={state / 'status'}",
        "-oDir::Etc::Preferences=/dev/null",
        f"-oDir::Etc::PreferencesParts={state / 'preferences.d'}",
        "-oAPT::Sandbox::User=root",
    ]
