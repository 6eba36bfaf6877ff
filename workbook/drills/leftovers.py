"""Drill 5: leftovers. Nothing of the drills remains, and ~/.docker is unchanged."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import docker
from workbook import ROOT
from workbook.cleanup import PATHS_DIR, PROCESS_DIR, labelled_objects
from workbook.drills import Outcome, say
from workbook.engine import docker_config_dir

NOTEBOOKS = ("drills", "drills-probe", "04-container")
"""The label values the drills' objects carry (04-container: the notebook drill 4 runs)."""

TEMP_PREFIXES = ("wbdr-",)
"""Temp folders of the drills (drill 4 gives 04 a private TMPDIR and checks it itself)."""

CLI_BOOKKEEPING = ("buildx/refs/", "buildx/activity/")
"""What the docker CLI itself updates in ~/.docker on every `docker build` (BuildKit's build
records): reported, but not counted as a change the workbook made."""


def docker_dir_digest() -> dict[str, str]:
    """sha256 of every regular file under the docker config folder (~/.docker), by relative path."""
    top = docker_config_dir()
    if not top.is_dir():
        return {}
    return {
        str(path.relative_to(top)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(top.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def temp_dirs() -> set[str]:
    """The drills' folders in the system temp dir (wbdr-…)."""
    folder = Path(tempfile.gettempdir())
    return {p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIXES)}


def drill(
    client: docker.DockerClient, docker_before: dict[str, str], temp_before: set[str], notebook_ran: bool
) -> Outcome:
    """Labelled objects, recorded processes and paths, temp dirs, ~/.docker: all as before.

    04's objects count only when drill 4 ran it (on a shared engine, someone else may run 04).
    """
    names = NOTEBOOKS if notebook_ran else NOTEBOOKS[:2]
    objects = [f"{name}: {o}" for name in names for o in labelled_objects(client, name)]
    processes = [str(p.relative_to(ROOT)) for n in names for p in (PROCESS_DIR / n).glob("*.pid")]
    paths = [str(p.relative_to(ROOT)) for n in names for p in (PATHS_DIR / n).glob("*.path")]
    temps = sorted(temp_dirs() - temp_before)
    after = docker_dir_digest()
    differ = sorted(k for k in set(docker_before) | set(after) if docker_before.get(k) != after.get(k))
    bookkeeping = [k for k in differ if k.startswith(CLI_BOOKKEEPING)]
    changed = [k for k in differ if k not in bookkeeping]
    stacks = [
        c.name for c in client.containers.list(all=True, filters={"label": "com.docker.compose.project=wbdr-stack"})
    ]
    say(f"labelled objects {len(objects)}, recorded processes {len(processes)}, recorded paths {len(paths)}")
    say(f"new temp dirs {len(temps)}, compose containers {len(stacks)}, ~/.docker files changed {len(changed)}")
    say(f"(~/.docker/buildx: {len(bookkeeping)} build records the docker CLI keeps for every build, not counted)")
    problems = [
        f"{what}: {', '.join(items)[:300]}"
        for what, items in (
            ("labelled objects left", objects),
            ("host processes still recorded", processes),
            ("paths still recorded", paths),
            ("temp dirs left", temps),
            ("compose containers left", stacks),
            ("~/.docker changed", changed),
        )
        if items
    ]
    measured = (
        f"{len(objects)} objects, {len(processes)} processes, {len(temps)} temp dirs left; "
        f"~/.docker {len(after)} files, {len(changed)} changed (+{len(bookkeeping)} buildx build records)"
    )
    return Outcome("5 leftovers", not problems, measured, problems=problems)
