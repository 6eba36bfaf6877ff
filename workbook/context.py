"""Which files of a build context the builder really receives (after ``.dockerignore``).

The builder itself answers: a throwaway ``FROM scratch`` build copies the whole context
(``COPY . /context/``) and we list what arrived. ``builder_context_files`` asks BuildKit,
the builder of ``docker build``: its local exporter writes the result to a folder, with
no image and no container. Nothing is pulled, so it works offline.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from workbook.build import BuildFailed

PROBE_DOCKERFILE = "FROM scratch\nCOPY . /context/\n"


def builder_context_files(context: str | Path) -> list[str]:
    """The files of ``context`` that BuildKit receives, relative to it and sorted.

    Runs ``docker build --output type=local`` of a ``FROM scratch`` copy of the context:
    BuildKit applies ``.dockerignore`` as for any build, and writes the result to a
    temporary folder. Nothing is left in the engine. Raises BuildFailed with BuildKit's
    words if the build fails.
    """
    context = Path(context).resolve()
    with tempfile.TemporaryDirectory(prefix="workbook-context-") as tmp:
        # Not named Dockerfile: BuildKit would read a "Dockerfile.dockerignore" next to it first.
        probe = Path(tmp) / "context-probe"
        probe.write_text(PROBE_DOCKERFILE)
        out = Path(tmp) / "out"
        command = ["docker", "build", "--progress=plain", "-f", str(probe), "--output", f"type=local,dest={out}"]
        done = subprocess.run([*command, str(context)], capture_output=True, text=True)
        if done.returncode != 0:
            tail = " | ".join(done.stderr.strip().splitlines()[-3:])
            raise BuildFailed(f"Listing the build context of {context} failed: {tail}")
        root = out / "context"
        if not root.is_dir():
            return []
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink())


def copy_context(source: str | Path, target: str | Path) -> Path:
    """Copy a build context to ``target`` (a fresh folder), leaving Python caches behind."""
    target = Path(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target
