"""Drill 5: leftovers. Nothing of the drills remains, and ~/.docker is unchanged."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import docker

from workbook.cleanup import PATHS_DIR, PROCESS_DIR, labelled_objects
from workbook.drills import Outcome, say
from workbook.engine import docker_config_dir
from workbook.layout import ROOT

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


def later_runs_of_04(client: docker.DockerClient, finished: float | None) -> list[str]:
    """Containers of 04 created after drill 4 finished (epoch ``finished``): another run's, still going.

    On a shared engine someone else may run 04 meanwhile; its objects carry the same label.
    """
    if not finished:
        return []
    found = client.api.containers(all=True, filters={"label": "org.workbook.notebook=04-container"})
    return [c["Names"][0].lstrip("/") for c in found if c["Created"] > finished]


def drill(
    client: docker.DockerClient, docker_before: dict[str, str], temp_before: set[str], notebook_ran: float | None
) -> Outcome:
    """Labelled objects, recorded processes and paths, temp dirs, ~/.docker: all as before.

    04's objects count only when drill 4 ran it (``notebook_ran``: when it finished, epoch seconds),
    and not when another run of 04 started since (on a shared engine, someone else may run 04).
    """
    names = NOTEBOOKS if notebook_ran else NOTEBOOKS[:2]
    later = later_runs_of_04(client, notebook_ran)
    objects = [
        f"{name}: {o}" for name in names for o in labelled_objects(client, name) if not (later and name == NOTEBOOKS[2])
    ]
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
    if later:
        say(f"not counted: 04's objects, since another run of 04 started after drill 4 ({', '.join(later)})")
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
