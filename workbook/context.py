"""Which files of a build context the builder really receives (after ``.dockerignore``).

The builder itself answers: a throwaway ``FROM scratch`` build copies the whole context
(``COPY . /context/``) and we list what arrived. ``builder_context_files`` asks BuildKit,
the builder of ``docker build``: its local exporter writes the result to a folder, with
no image and no container. ``context_files`` asks the legacy builder through the Docker
SDK (whose own matcher applies ``.dockerignore`` before sending): an image is built, a
container created from it (never started: scratch has no program to run) and the engine
hands back that folder as a tar stream. Nothing is pulled, so both work offline.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import docker.errors

import docker
from workbook.build import BuildFailed, build_image

PROBE_DOCKERFILE = "FROM scratch\nCOPY . /context/\n"


def context_files(
    client: docker.DockerClient,
    context: str | Path,
    labels: dict[str, str],
    tag: str = "workbook-context-probe:latest",
) -> list[str]:
    """The files of ``context`` that reach the builder, relative to it and sorted.

    ``labels`` mark the throwaway image and container (the notebook's labels), so that a
    cleanup finds them even if this is interrupted; both are removed before returning.
    """
    context = Path(context)
    with tempfile.TemporaryDirectory(prefix="workbook-context-") as tmp:
        dockerfile = Path(tmp) / "Dockerfile.context-probe"
        dockerfile.write_text(PROBE_DOCKERFILE)
        image = build_image(client, context, tag, dockerfile=dockerfile, labels=labels, progress=None)
    container = client.containers.create(image.id, command=["/none"], labels=labels)
    try:
        stream, _ = container.get_archive("/context/")
        data = io.BytesIO(b"".join(stream))
    finally:
        container.remove(force=True)
        try:
            client.images.remove(image.id, force=True)
        except docker.errors.NotFound:
            pass
    with tarfile.open(fileobj=data) as archive:
        return sorted(
            member.name.split("/", 1)[1] for member in archive.getmembers() if member.isfile() and "/" in member.name
        )


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
