"""Build images with the Docker SDK: progress shown as it runs, errors raised, not swallowed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import docker.errors

import docker
from workbook.errors import WorkbookError

STEP = re.compile(r"^Step \d+/\d+ : ")


class BuildFailed(WorkbookError):
    """The builder reported an error; the message carries the builder's own words."""


def build_image(
    client: docker.DockerClient,
    context: str | Path,
    tag: str,
    dockerfile: str | Path | None = None,
    buildargs: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    progress: Callable[[str], None] | None = print,
    nocache: bool = False,
) -> docker.models.images.Image:
    """Build ``context`` into ``tag`` and return the image.

    ``progress`` receives each ``Step n/m : INSTRUCTION`` line as the builder reaches
    it (stable from run to run, unlike cache and container IDs); pass None for a
    silent build. The SDK's streaming API does not raise on a failed step, so the
    stream is checked here and BuildFailed raised with the builder's message.
    """
    context = Path(context)
    if dockerfile is not None:
        dockerfile = Path(dockerfile)
        # The API wants the Dockerfile's path relative to the context when it lies inside it.
        dockerfile = (
            str(dockerfile.resolve().relative_to(context.resolve()))
            if dockerfile.resolve().is_relative_to(context.resolve())
            else str(dockerfile.resolve())
        )
    image_id = None
    log: list[str] = []
    for chunk in client.api.build(
        path=str(context),
        dockerfile=dockerfile,
        tag=tag,
        buildargs=buildargs or {},
        labels=labels or {},
        rm=True,
        forcerm=True,
        nocache=nocache,
        decode=True,
    ):
        if "error" in chunk:
            detail = chunk.get("errorDetail", {}).get("message") or chunk["error"]
            tail = "".join(log[-5:]).strip()
            raise BuildFailed(
                f"Building {tag} failed: {detail.strip()}" + (f"\nLast build output:\n{tail}" if tail else "")
            )
        text = chunk.get("stream", "")
        if text:
            log.append(text)
            if progress is not None and STEP.match(text):
                progress(text.rstrip("\n"))
        if "aux" in chunk and "ID" in chunk["aux"]:
            image_id = chunk["aux"]["ID"]
    if image_id is None:
        raise BuildFailed(f"Building {tag} ended without an image ID; last output: {''.join(log[-3:]).strip()}")
    return client.images.get(image_id)


def build_app_image(
    client: docker.DockerClient,
    tag: str,
    labels: dict[str, str],
    progress: Callable[[str], None] | None = print,
    dockerfile: str | Path | None = None,
) -> docker.models.images.Image:
    """Build the workbook's Flask service: ``docker/Dockerfile`` over the ``app/`` context.

    The base image is the one ``make setup`` resolved (PYTHON_IMAGE in compose/.env).
    Label it with the notebook's labels, so that the notebook's cleanup removes it.
    """
    from workbook import ROOT
    from workbook.images import resolved

    return build_image(
        client,
        ROOT / "app",
        tag,
        dockerfile=dockerfile or ROOT / "docker" / "Dockerfile",
        buildargs={"PYTHON_IMAGE": resolved("python")},
        labels=labels,
        progress=progress,
    )
