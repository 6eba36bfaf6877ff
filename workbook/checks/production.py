"""Checks for notebook 09 (Production hardening): a smaller image that works, a hardened container that answers."""

from __future__ import annotations

import docker
import docker.errors

from workbook.checks import passed, require
from workbook.errors import CheckFailed, ServiceNotReady
from workbook.hardening import MB, hardening, unpacked_bytes
from workbook.layout import LABEL
from workbook.owner import owned
from workbook.ports import any_free_port
from workbook.web import wait_for_http

PROD_IMAGE = owned("wb09-flask:prod")
SMALL_IMAGE = owned("wb09-small")
EXERCISE_CONTAINER = owned("wb09-exercise")


def _image(client: docker.DockerClient, reference: str, hint: str) -> docker.models.images.Image:
    try:
        return client.images.get(reference)
    except docker.errors.ImageNotFound:
        raise CheckFailed(f"The engine has no image {reference}: {hint}") from None


def _answers(client: docker.DockerClient, image: str, labels: dict[str, str]) -> str | None:
    """None when a container of ``image`` answers GET / with Hello World!, else what went wrong."""
    port = any_free_port()
    container = client.containers.run(
        image, detach=True, labels=labels, ports={"5000/tcp": ("127.0.0.1", port)}, environment={"WEB_CONCURRENCY": "2"}
    )
    try:
        container.reload()

        def stopped() -> str | None:
            container.reload()
            return None if container.status in ("created", "running") else f"the container {container.status}"

        answer = wait_for_http(f"http://127.0.0.1:{port}/", timeout=120, still_running=stopped)
        return None if answer.text == "Hello World!" else f"GET / answered {answer.text[:60]!r}"
    except ServiceNotReady as error:
        return str(error)
    finally:
        container.remove(force=True)


def check_smaller_image(nb, image: str = SMALL_IMAGE, reference: str = PROD_IMAGE) -> bool:  # noqa: ANN001 - a Notebook
    """``image`` is smaller (unpacked) than ``reference`` and still serves Hello World!.

    Sizes are the sums of ``docker history`` (unpacked layers), the same on both image stores.
    """
    client = nb.client
    _image(client, reference, "run section 2 of this notebook first.")
    small = _image(client, image, f"build your Dockerfile with `docker build … -t {image} …`.")
    require(
        small.labels.get(LABEL) == nb.name,
        f"{image} lacks the notebook's label: add `--label {nb.label}` to the build (cleanup finds it by it).",
    )
    before, after = unpacked_bytes(client, reference), unpacked_bytes(client, image)
    require(
        after < before,
        f"{image} is ≈ {after / MB:.1f} MB unpacked, not smaller than {reference} (≈ {before / MB:.1f} MB): "
        "leave out what the service does not need at run time (byte-code pip compiles, unused packages).",
    )
    problem = _answers(client, image, nb.labels)
    require(problem is None, f"{image} is smaller but does not serve the app: {problem}")
    return passed(
        f"{image} is ≈ {(before - after) / MB:.1f} MB smaller than {reference} and still answers Hello World!."
    )


def check_hardened_container(nb, name: str = EXERCISE_CONTAINER) -> bool:  # noqa: ANN001 - a workbook.Notebook
    """Container ``name`` runs hardened (non-root, read-only, no capabilities, limits) and answers on 127.0.0.1."""
    try:
        container = nb.client.containers.get(name)
    except docker.errors.NotFound:
        raise CheckFailed(
            f"There is no container called {name!r}: start it with `docker run -d --name {name} …`."
        ) from None
    require(container.labels.get(LABEL) == nb.name, f"{name} lacks the notebook's label: add `--label {nb.label}`.")
    require(container.status == "running", f"{name} is {container.status}, not running: see `docker logs {name}`.")
    settings = hardening(container.attrs)
    missing = [
        flag
        for flag, ok in (
            ("a non-root user (the image's USER, or --user 10001)", settings.non_root),
            ("--read-only", settings.read_only),
            ("--cap-drop ALL", "ALL" in settings.cap_drop),
            ("--security-opt no-new-privileges", settings.no_new_privileges),
            ("--memory", settings.memory > 0),
            ("--pids-limit", settings.pids_limit > 0),
        )
        if not ok
    ]
    require(not missing, f"{name} runs without {', '.join(missing)}: remove it and start it again with them.")
    bindings = (container.attrs["NetworkSettings"].get("Ports") or {}).get("5000/tcp") or []
    require(bool(bindings), f"{name} publishes no port for 5000: add `-p 127.0.0.1::5000`.")
    require(
        all(b["HostIp"] == "127.0.0.1" for b in bindings),
        f"{name} publishes port 5000 on every address: use `-p 127.0.0.1::5000`.",
    )
    url = f"http://127.0.0.1:{bindings[0]['HostPort']}/"
    try:
        answer = wait_for_http(url, timeout=120)
    except ServiceNotReady as error:
        raise CheckFailed(f"{name} is hardened but does not answer: {error}") from None
    require(answer.text == "Hello World!", f"{url} answered {answer.text[:60]!r}, not Hello World!.")
    return passed(f"{name} runs hardened (non-root, read-only, no capabilities, limits) and answers Hello World!.")
