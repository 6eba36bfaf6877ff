"""Which files of a build context the builder really receives (after ``.dockerignore``).

The engine itself answers: a throwaway ``FROM scratch`` image copies the whole context
(``COPY . /context/``), a container is created from it (never started: scratch has no
program to run) and the engine hands back that folder as a tar stream. Nothing is
pulled, so it works offline in a second.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import tempfile
from pathlib import Path

import docker.errors

import docker
from workbook.build import build_image

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


def copy_context(source: str | Path, target: str | Path) -> Path:
    """Copy a build context to ``target`` (a fresh folder), leaving Python caches behind."""
    target = Path(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target
