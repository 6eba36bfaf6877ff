"""Checks for notebook 08 (Compose): a fixed compose file, the counter in Redis, a scaled service."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import docker
import requests

from workbook.checks import passed, require
from workbook.compose import Project


def compose_config(path: str | Path) -> tuple[dict, str]:
    """``docker compose -f PATH config --format json``: the parsed model and Compose's messages.

    Raises CheckFailed with Compose's own error when the file does not validate.
    """
    path = Path(path)
    require(path.is_file(), f"{path} does not exist; write your fixed compose file there first.")
    done = subprocess.run(
        ["docker", "compose", "-f", str(path), "--ansi", "never", "config", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=path.parent,
        stdin=subprocess.DEVNULL,
    )
    require(done.returncode == 0, f"`docker compose config` rejects {path.name}: {done.stderr.strip()}")
    return json.loads(done.stdout), done.stderr


def check_article_fixed(path: str | Path) -> bool:
    """The article's compose file, fixed: valid, no `version`, 127.0.0.1, a bind mount, FLASK_DEBUG."""
    model, messages = compose_config(path)
    require("version" not in messages or "obsolete" not in messages, "Compose still warns: remove `version:`.")
    web = model.get("services", {}).get("web")
    require(web is not None, "There is no `web` service.")
    require("build" in web, "`web` has no `build:` (the article builds the image from the Dockerfile next to it).")
    ports = web.get("ports") or []
    require(len(ports) == 1 and str(ports[0].get("target")) == "5000", "`web` should publish container port 5000.")
    require(
        ports[0].get("host_ip") == "127.0.0.1",
        'Port 5000 is published on every interface; write it as "127.0.0.1:5000:5000".',
    )
    volumes = web.get("volumes") or []
    require(
        any(v.get("type") == "bind" and v.get("target") == "/usr/src/app" for v in volumes),
        "`volumes:` should be a list holding the bind mount `- ./:/usr/src/app`.",
    )
    environment = web.get("environment") or {}
    require("FLASK_ENV" not in environment, "FLASK_ENV was removed in Flask 2.3; use FLASK_DEBUG instead.")
    require(environment.get("FLASK_DEBUG") in ("1", "true", "True"), 'Set FLASK_DEBUG: "1" for development.')
    command = web.get("command") or []
    require(bool(command) and command[0] == "gunicorn", "Keep the article's command: gunicorn … run:app.")
    return passed(f"{Path(path).name} validates without warnings: 127.0.0.1:5000, a bind mount, FLASK_DEBUG=1.")


def check_hits_in_redis(project: Project, hits: object) -> bool:
    """``hits`` is the counter Redis holds right now for ``project`` (read with redis-cli)."""
    require(isinstance(hits, int) and not isinstance(hits, bool), f"hits_in_redis should be an int, not {hits!r}.")
    done = subprocess.run(
        ["docker", "compose", "-p", project.name, "exec", "-T", "redis", "redis-cli", "GET", "hits"],
        capture_output=True,
        text=True,
        cwd=project.directory,
        stdin=subprocess.DEVNULL,
    )
    require(done.returncode == 0, f"redis-cli did not answer in project {project.name}: {done.stderr.strip()}")
    actual = int(done.stdout.strip() or 0)
    require(hits == actual, f"Redis holds hits={actual}, but hits_in_redis is {hits}.")
    return passed(f"Redis in {project.name} holds hits={actual}, the same number you read.")


def check_scaled(project: Project, client: docker.DockerClient, replicas: int) -> bool:
    """``web`` runs exactly ``replicas`` healthy containers, each answering /count itself."""
    containers = project.containers(client, "web")
    require(
        len(containers) == replicas,
        f"{project.name} runs {len(containers)} web containers, not {replicas}: "
        f"`docker compose -p {project.name} up -d --wait --scale web={replicas}`.",
    )
    for container in containers:
        container.reload()
        health = container.attrs["State"].get("Health", {}).get("Status")
        require(health == "healthy", f"{container.name} is {health or 'without a healthcheck'}, not healthy.")
    for name, port in project.published_ports(client, "web").items():
        answer = requests.get(f"http://127.0.0.1:{port}/count", timeout=5).json()
        short = {c.name: c.id[:12] for c in containers}[name]
        require(answer.get("container") == short, f"{name} did not answer /count itself.")
    return passed(f"{project.name}: web runs {replicas} healthy replica(s), each answering /count.")
