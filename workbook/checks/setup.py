"""Checks for the exercises of notebook 00 (setup)."""

from __future__ import annotations

import docker

from workbook.checks import passed, require
from workbook.images import resolved


def check_storage_driver(client: docker.DockerClient, answer: object) -> bool:
    """The learner's ``answer`` must be the storage driver the daemon reports."""
    actual = client.info()["Driver"]
    require(
        isinstance(answer, str) and answer != "",
        "Assign the driver's name, a string, to `storage_driver` (it is still `...`): `docker info` shows it.",
    )
    require(answer == actual, f"`storage_driver` is {answer!r}, but the daemon says otherwise: look at `docker info`.")
    return passed(f"the daemon stores images and containers with the {actual} driver")


def check_container_python(client: docker.DockerClient, answer: object) -> bool:
    """The learner's ``answer`` must be the Python version inside the resolved python image."""
    require(
        isinstance(answer, str) and answer.strip() != "",
        "Store what the container printed, as a string, in `container_python` (it is still `...`).",
    )
    out = (
        client.containers.run(
            resolved("python"), ["python", "-c", "import platform; print(platform.python_version())"], remove=True
        )
        .decode()
        .strip()
    )
    require(
        answer.strip() == out, f"`container_python` is {answer!r}; run the container again and copy what it prints."
    )
    return passed(f"the python image runs Python {out}, not the host's")
