"""Checks for notebook 05 (the daemon): facts read over the raw API, a container made through it."""

from __future__ import annotations

import docker
import docker.errors

from workbook.checks import passed, require
from workbook.errors import CheckFailed
from workbook.layout import LABEL
from workbook.owner import owned


def check_engine_facts(client: docker.DockerClient, storage_driver: object, data_root: object) -> bool:
    """The learner read the storage driver and data root from ``GET /info``: compare with the SDK."""
    info = client.info()
    require(isinstance(storage_driver, str), "`storage_driver` should be a string: the `Driver` field of /info.")
    require(isinstance(data_root, str), "`data_root` should be a string: the `DockerRootDir` field of /info.")
    require(
        storage_driver == info["Driver"],
        f"`storage_driver` is {storage_driver!r}, but the engine's /info says Driver={info['Driver']!r}.",
    )
    require(
        data_root == info["DockerRootDir"],
        f"`data_root` is {data_root!r}, but the engine's /info says DockerRootDir={info['DockerRootDir']!r}.",
    )
    return passed(f"storage driver {storage_driver} and data root: the same as the engine's /info")


def check_exercise_container(client: docker.DockerClient, notebook: str, name: str = "wb05-exercise") -> bool:
    """A labelled container ``name`` ran with GREETING=hello and printed it."""
    name = owned(name)
    try:
        container = client.containers.get(name)
    except docker.errors.NotFound:
        raise CheckFailed(f"No container named {name}: create it with POST /containers/create?name={name}.") from None
    labels = container.labels or {}
    require(
        labels.get(LABEL) == notebook,
        f'{name} lacks the notebook\'s label: add "Labels": {{"{LABEL}": "{notebook}"}} to the create body.',
    )
    env = container.attrs["Config"].get("Env") or []
    require("GREETING=hello" in env, f'{name} has no GREETING=hello in its environment ("Env": ["GREETING=hello"]).')
    require(
        not container.attrs["State"].get("StartedAt", "0001").startswith("0001"),
        f"{name} was created but never started: POST /containers/{name}/start.",
    )
    container.wait(timeout=30)
    logs = container.logs().decode(errors="replace")
    require("hello" in logs, f"{name} did not print the greeting; its logs say: {logs.strip()[-200:]!r}")
    return passed(f"{name} was created and started through the API, labelled, and printed 'hello'")
