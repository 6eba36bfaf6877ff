"""What the exercises of notebooks 04 and 07 start before the learner works: a container that
exits at once (04), and an authenticated registry with a user the learner does not know (07).

Each uses exercise-specific names (``wb04-broken``, ``wb07-ex-registry``), so that no lesson
object can make an exercise check pass, and runs from the first code cell alone.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

import docker

from workbook.build import build_image
from workbook.docker_config import TempDockerConfig
from workbook.errors import WorkbookError
from workbook.images import resolved
from workbook.owner import owned
from workbook.registry import (
    Registry,
    docker_login,
    htpasswd_line,
    registry_config,
    start_registry,
)
from workbook.wait import poll_until

# ----------------------------------------------------------------------------------------
# 04: a container that exits at once

GREETER_IMAGE = owned("wb04-greeter:1")
BROKEN = owned("wb04-broken")
GREETER = """\
import http.server, os, signal, sys
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
port = int(os.environ["APP_PORT"])
class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"hello from the greeter")
print(f"greeter listening on 0.0.0.0:{port}", flush=True)
http.server.ThreadingHTTPServer(("0.0.0.0", port), Hello).serve_forever()
"""


def greeter_dockerfile(base: str) -> str:
    """No new layer: the base plus a CMD that runs ``GREETER`` (which needs APP_PORT)."""
    return f"FROM {base}\nENV PYTHONUNBUFFERED=1\nCMD {json.dumps(['python', '-c', GREETER])}\n"


def start_broken_container(
    client: docker.DockerClient, labels: dict[str, str], folder: Path, timeout: float = 30.0
) -> str:
    """Build ``GREETER_IMAGE`` and run ``wb04-broken`` from it, without APP_PORT: it exits at once.

    Returns the image's name once the container has exited.
    """
    (Path(folder) / "Dockerfile").write_text(greeter_dockerfile(resolved("python")))
    build_image(client, folder, GREETER_IMAGE, labels=labels, progress=None)
    container = client.containers.run(GREETER_IMAGE, name=BROKEN, detach=True, labels=labels)

    def status() -> str:
        container.reload()
        return container.status

    poll_until(
        status,
        lambda now: now == "exited",
        timeout=timeout,
        message=lambda last: f"{BROKEN} is still {last} after {timeout:g} s; it should exit at once.",
        error=WorkbookError,
    )
    return GREETER_IMAGE


# ----------------------------------------------------------------------------------------
# 07: an authenticated registry, a user the learner does not know, an image to push

EX_REGISTRY = owned("wb07-ex-registry")
HELLO_IMAGE = owned("wb07-hello:1")
EX_REPOSITORY = "exercise/hello"
EX_TAG = "v1"


@dataclass
class ExerciseRegistry:
    """The exercises' registry (admin login in ``registry.auth``), the learner's config and image."""

    registry: Registry
    config: TempDockerConfig  # holds the unknown user's login (exercise 1 reads it)
    image: str  # the local image, already tagged for the registry (exercise 2 pushes it)

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``."""
        return self.registry.host


def _hello_image(client: docker.DockerClient, labels: dict[str, str], folder: Path) -> str:
    """A tiny image (one small file, no base image): quick to build and to push."""
    (folder / "hello.txt").write_text("hello from exercise 2 of notebook 07\n")
    (folder / "Dockerfile").write_text("FROM scratch\nCOPY hello.txt /\n")
    build_image(client, folder, HELLO_IMAGE, labels=labels, progress=None)
    return HELLO_IMAGE


def start_exercise_registry(
    client: docker.DockerClient, notebook: str, labels: dict[str, str], folder: Path
) -> ExerciseRegistry:
    """Run ``wb07-ex-registry`` (htpasswd auth, deletes on), log an unknown user in, tag an image.

    The registry has two users, both random: an admin, whose login only the returned
    object holds (the checks read the catalog with it), and a learner whose password is
    kept nowhere but in the new DOCKER_CONFIG's ``config.json`` (base64).
    """
    folder = Path(folder)
    admin = (f"admin-{secrets.token_hex(3)}", secrets.token_urlsafe(12))
    learner = (f"learner-{secrets.token_hex(3)}", secrets.token_urlsafe(12))
    (folder / "config").mkdir()
    (folder / "config" / "htpasswd").write_text(htpasswd_line(*admin) + "\n" + htpasswd_line(*learner) + "\n")
    (folder / "config" / "config.yml").write_text(registry_config(htpasswd=True, delete=True))
    # No port given: the engine picks a free one on 127.0.0.1 (read back from the container).
    registry = start_registry(client, EX_REGISTRY, None, labels, folder / "config", auth=admin)
    config = TempDockerConfig(notebook)
    docker_login(registry.host, *learner, config)
    (folder / "image").mkdir()
    image = f"{registry.host}/{EX_REPOSITORY}:{EX_TAG}"
    client.images.get(_hello_image(client, labels, folder / "image")).tag(image)
    return ExerciseRegistry(registry, config, image)


def try_push(image: str, config: TempDockerConfig) -> tuple[int, str]:
    """``docker push image`` with ``config``; (exit status, last line, the registry's address as <registry>)."""
    done = subprocess.run(
        ["docker", "push", image],
        env={**os.environ, **config.env},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    lines = (done.stdout + done.stderr).strip().splitlines() or [""]
    host = image.split("/", 1)[0]
    return done.returncode, lines[-1].replace(host, "<registry>")
