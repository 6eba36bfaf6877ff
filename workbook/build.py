"""Build images with the Docker SDK: progress shown as it runs, errors raised, not swallowed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors

from workbook.base_images import resolved
from workbook.errors import WorkbookError, disk_full_hint, stream_error
from workbook.layout import ROOT
from workbook.runlock import host_lock

STEP = re.compile(r"^Step \d+/\d+ : ")
STEP_IMAGE = re.compile(r"^ ---> ([0-9a-f]{12,64})$")


class BuildFailed(WorkbookError):
    """The builder reported an error; the message carries the builder's own words."""


@dataclass
class BuildStream:
    """One build through the SDK, read line by line; the builder's errors raise BuildFailed.

    The SDK's streaming API does not raise on a failed step, so every chunk is checked
    here. Iterate ``lines()`` to the end, then ``image()`` returns what was built.
    ``build_image`` takes the same arguments, plus ``progress``.
    """

    client: docker.DockerClient
    context: str | Path  # made absolute
    tag: str
    dockerfile: str | Path | None = None  # made relative to the context when inside it
    buildargs: dict[str, str] | None = None
    labels: dict[str, str] | None = None
    nocache: bool = False
    image_id: str | None = field(default=None, init=False)
    log: list[str] = field(default_factory=list, init=False)
    made: list[str] = field(default_factory=list, init=False)  # images of the steps this build ran, not cached

    def __post_init__(self) -> None:
        self.context = Path(self.context).resolve()
        self.buildargs, self.labels = self.buildargs or {}, self.labels or {}
        if self.dockerfile is not None:
            # Relative to the context when it lies inside it; else absolute, and the SDK adds it to the context.
            path = Path(self.dockerfile).resolve()
            self.dockerfile = str(path.relative_to(self.context)) if path.is_relative_to(self.context) else str(path)

    def lines(self) -> Iterator[str]:
        """Each line the builder prints, as it prints it."""
        for chunk in self.client.api.build(
            path=str(self.context),
            dockerfile=self.dockerfile,
            tag=self.tag,
            buildargs=self.buildargs,
            labels=self.labels,
            rm=True,
            forcerm=True,
            nocache=self.nocache,
            decode=True,
        ):
            detail = stream_error(chunk)
            if detail is not None:
                self.remove_intermediates()
                tail = "\n".join(self.log[-5:]).strip()
                context_lines = f"\nLast build output:\n{tail}" if tail else ""
                hint = disk_full_hint(f"{detail}\n{tail}")
                raise BuildFailed(f"Building {self.tag} failed: {hint or detail + context_lines}")
            if "aux" in chunk and "ID" in chunk["aux"]:
                self.image_id = chunk["aux"]["ID"]
            for line in chunk.get("stream", "").splitlines():
                made = STEP_IMAGE.match(line)
                step = next((seen for seen in reversed(self.log) if STEP.match(seen)), "")
                from_step = STEP.sub("", step).upper().startswith("FROM ")
                if made and not from_step and not (self.log and self.log[-1].strip() == "---> Using cache"):
                    self.made.append(made.group(1))
                self.log.append(line)
                yield line

    def remove_intermediates(self) -> None:
        """Remove the untagged images of the steps this build ran (not the image it made).

        The legacy builder keeps one per step. They carry no label, so no cleanup finds
        them; on the containerd image store they outlive the final image. On the classic
        store the engine refuses (they are the final image's parents, removed with it).
        Images the cache served belong to earlier builds and stay.
        """
        for image_id in reversed(self.made):
            if self.image_id and self.image_id.split(":")[-1].startswith(image_id):
                continue
            try:
                if not self.client.images.get(image_id).tags:  # a named image is never an intermediate
                    self.client.images.remove(image_id, noprune=False)
            except docker.errors.APIError:
                pass  # in use by a child or a container: not ours to force

    def image(self) -> docker.models.images.Image:
        """The image the finished build made."""
        if self.image_id is None:
            raise BuildFailed(
                f"Building {self.tag} ended without an image ID; last output: {' | '.join(self.log[-3:])}"
            )
        image = self.client.images.get(self.image_id)
        self.remove_intermediates()
        return image


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
    """Build ``context`` into ``tag`` and return the image; BuildFailed with the builder's words on errors.

    ``progress`` receives each ``Step n/m : INSTRUCTION`` line as the builder reaches
    it (stable from run to run, unlike cache and container IDs); pass None for a
    silent build.
    """
    # The legacy builder reuses any build's step images as its cache, and each build removes
    # its own when it ends: a build running beside another could lose the image it just took
    # from the cache ("content digest …: not found"). One legacy build at a time on this host.
    with host_lock("legacy-build"):
        stream = BuildStream(client, context, tag, dockerfile, buildargs, labels, nocache)
        for line in stream.lines():
            if progress is not None and STEP.match(line):
                progress(line)
        return stream.image()


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
    return build_image(
        client,
        ROOT / "app",
        tag,
        dockerfile=dockerfile or ROOT / "docker" / "Dockerfile",
        buildargs={"PYTHON_IMAGE": resolved("python")},
        labels=labels,
        progress=progress,
    )
