"""A shared host: two students run notebooks 04 and 08 on one engine at the same time.

One student is this checkout without ``WORKBOOK_USER`` (a learner on their own machine, or
the instructor); the other is ``WORKBOOK_USER=alice`` in a copy of the repository, as a
student on a shared host has one in their home. Both run the notebooks under nbval, with
outputs compared as in the rest of the suite (for alice, her prefix and the column padding
it shifts are sanitized away). A third student's objects, made before the runs, must
survive both students' cleanups.

`make test` runs notebooks 04 and 08 here instead of as plain items (the root conftest
deselects those), so that they are not run twice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import docker
import pytest

from workbook.images import resolved
from workbook.layout import LABEL, ROOT

SHARED_NOTEBOOKS = ("04-container", "08-compose")
NOT_COPIED = {".git", ".venv", ".venv-lock", ".workbook", "_build", "student", "__pycache__", ".ipynb_checkpoints"}
RUN_TIMEOUT = 1200
# Alice starts a little later, as students do. Started at the same instant, the two runs would
# build the same image at the same instant, and BuildKit, which runs a shared step once, shows it
# in one student's log only (notebook 08 says so): the stored build logs would differ.
STAGGER = 25


def nbval_flag(config: pytest.Config) -> str | None:
    """``--nbval`` or ``--nbval-lax`` as this run uses it; None when it runs no notebooks."""
    if config.getoption("nbval_lax", default=False):
        return "--nbval-lax"
    if config.getoption("nbval", default=False):
        return "--nbval"
    return None


def student_copy(folder: Path) -> Path:
    """The repository as a student's own copy: its files, this machine's compose/.env, the same virtualenv."""
    copy = folder / "student-repo"
    shutil.copytree(ROOT, copy, ignore=lambda _, names: [n for n in names if n in NOT_COPIED], symlinks=True)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    return copy


def sanitizer_for(user: str, folder: Path) -> Path:
    """The suite's sanitizer for ``user``: her banner line and prefix removed first, blanks dropped last."""

    def sections(*pairs: tuple[str, str]) -> str:
        # nbval reads "regex: …" and "replace: …" lines; an empty replacement still needs its blank.
        return "".join(f"\n[{user}: {why}]\nregex: {regex}\nreplace: \n" for why, regex in pairs)

    first = sections(
        ("the WORKBOOK_USER line of the first cell", rf"WORKBOOK_USER={user}: [^\n]*\n"),
        ("the prefix of every name", rf"\b{user}-"),
    )
    last = sections(("columns padded to the longer names (blanks dropped on both sides)", r"[ \t]+"))
    path = folder / f"sanitize-{user}.cfg"
    path.write_text(first + (ROOT / "tests" / "nbval-sanitize.cfg").read_text() + last)
    return path


def start_run(repo: Path, flag: str, sanitizer: Path, log: Path, user: str | None) -> subprocess.Popen:
    """pytest under nbval over the shared notebooks of ``repo``, as ``user`` (None: no WORKBOOK_USER)."""
    env = {**os.environ, "PYTHONPATH": str(repo)}
    # Not an xdist worker: the root conftest would give this run the worker's port offset.
    for name in [name for name in env if name.startswith("PYTEST_XDIST_")]:
        env.pop(name)
    env.pop("WORKBOOK_USER", None)
    if user:
        env["WORKBOOK_USER"] = user
        env.pop("WORKBOOK_PORT_OFFSET", None)  # alice's own offset, derived from her name
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
        flag,
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(sanitizer),
        "--nbval-cell-timeout=900",
        *(f"notebooks/{stem}.ipynb" for stem in SHARED_NOTEBOOKS),
    ]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT)


def carols_objects(client: docker.DockerClient) -> list[object]:
    """A third student's container, volume and network, named and labelled as hers."""
    labels = {LABEL: "carol-04-container"}
    return [
        client.containers.create(resolved("python"), ["true"], name="carol-wb04-web", labels=labels),
        client.volumes.create("carol-wb08_redis-data", labels={LABEL: "carol-08-compose"}),
        client.networks.create("carol-wb08_default", labels={LABEL: "carol-08-compose"}),
    ]


def test_two_students_share_one_engine(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    flag = nbval_flag(request.config)
    if flag is None:
        pytest.skip("runs notebooks: part of `make test`, not of the unit tests")
    client = docker.from_env()
    carol = carols_objects(client)
    runs: dict[str, subprocess.Popen] = {}
    try:
        alice_repo = student_copy(tmp_path)
        runs["default"] = start_run(
            ROOT, flag, ROOT / "tests" / "nbval-sanitize.cfg", tmp_path / "default.log", user=None
        )
        time.sleep(STAGGER)
        runs["alice"] = start_run(alice_repo, flag, sanitizer_for("alice", tmp_path), tmp_path / "alice.log", "alice")
        deadline = time.monotonic() + RUN_TIMEOUT
        for process in runs.values():
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
        reports = {who: (tmp_path / f"{who}.log").read_text(errors="replace") for who in runs}
        for who, process in runs.items():
            summary = reports[who].strip().splitlines()[-1] if reports[who].strip() else "(no output)"
            print(f"{who}: exit {process.returncode}: {summary}")
        failed = {who: reports[who][-6000:] for who, process in runs.items() if process.returncode != 0}
        assert not failed, "\n\n".join(f"== {who}'s run failed:\n{tail}" for who, tail in failed.items())
        survived = []
        for thing in carol:
            thing.reload()
            survived.append(thing.name)
        print("carol's objects, untouched:", ", ".join(survived))
        left = client.containers.list(all=True, filters={"label": f"{LABEL}=alice-04-container"})
        assert not left, f"alice's cleanup left {[c.name for c in left]}"
    finally:
        for process in runs.values():
            if process.poll() is None:
                process.kill()
        container, volume, network = carol
        container.remove(force=True)
        volume.remove(force=True)
        network.remove()
