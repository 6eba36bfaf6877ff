"""Checks for notebook 03 (Image): tags, IDs and layer sizes, verified against the engine."""

from __future__ import annotations

import docker
import docker.errors

from workbook.checks import passed, require

MB = 1_000_000


def _get(client: docker.DockerClient, reference: str) -> docker.models.images.Image:
    try:
        return client.images.get(reference)
    except docker.errors.ImageNotFound:
        from workbook.errors import CheckFailed

        raise CheckFailed(f"The engine has no image {reference}. Did the command that makes it run?") from None


def check_same_image(client: docker.DockerClient, first: str, second: str) -> bool:
    """``first`` and ``second`` are two names (tags) of one image: same ID."""
    require(first != second, "Give the image a second, different name.")
    a, b = _get(client, first), _get(client, second)
    require(a.id == b.id, f"{first} is {a.short_id} but {second} is {b.short_id}: that is a new image, not a new tag.")
    return passed(f"{first} and {second} are two tags of one image ({len(a.tags)} tags share its ID).")


def app_layers_mb(client: docker.DockerClient, image: str, base: str) -> float:
    """Megabytes (10^6 bytes) that ``image``'s own layers hold, unpacked, on top of ``base``.

    Summed from ``docker history`` (newest first: the entries above the base's own), the
    same on both image stores. ``attrs["Size"]`` is not: the containerd store reports the
    compressed content there, the classic store the unpacked layers.
    """
    ours, theirs = _get(client, image).history(), _get(client, base).history()
    return sum(entry["Size"] for entry in ours[: len(ours) - len(theirs)]) / MB


def check_app_layers_mb(client: docker.DockerClient, image: str, base: str, answer: float | None) -> bool:
    """``answer`` is within 1 MB of what ``image``'s own layers add to ``base``."""
    require(isinstance(answer, int | float), "Set `answer` to a number of megabytes.")
    actual = app_layers_mb(client, image, base)
    require(
        abs(answer - actual) <= 1,
        f"{answer} MB is off: the image's own layers add {'more' if actual > answer else 'less'} than that. "
        "Add up the sizes `docker history` lists above the base image's own entries.",
    )
    return passed(f"Right: {image} adds ≈ {actual:.0f} MB to {base} (its own layers, unpacked).")
