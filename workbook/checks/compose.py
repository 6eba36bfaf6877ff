"""Checks for notebook 08 (Compose): a fixed compose file, the counter in Redis, a scaled service."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import docker
import requests

from workbook.checks import passed, require
from workbook.compose import Project
from workbook.errors import CheckFailed
from workbook.owner import owned


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


def _project_name(project: Project | str) -> str:
    return owned(project) if isinstance(project, str) else project.name


def service_containers(
    client: docker.DockerClient, project: Project | str, service: str
) -> list[docker.models.containers.Container]:
    """The running containers of ``service`` in Compose project ``project``, read from their labels."""
    labels = [f"com.docker.compose.project={_project_name(project)}", f"com.docker.compose.service={service}"]
    return client.containers.list(filters={"label": labels})


def _redis_hits(client: docker.DockerClient, project: Project | str) -> int:
    """``redis-cli GET hits`` in the project's redis container (0 when the key is not set)."""
    name = _project_name(project)
    redis = service_containers(client, name, "redis")
    require(bool(redis), f"Project {name} has no running redis service: bring the stack up first.")
    code, output = redis[0].exec_run(["redis-cli", "GET", "hits"])
    require(code == 0, f"redis-cli failed in {redis[0].name}: {output.decode(errors='replace').strip()}")
    text = output.decode(errors="replace").strip()
    return int(text) if text.isdigit() else 0


def _published(container: docker.models.containers.Container, private: int = 5000) -> int | None:
    bindings = (container.attrs["NetworkSettings"]["Ports"] or {}).get(f"{private}/tcp") or []
    local = [b for b in bindings if b["HostIp"] == "127.0.0.1"]
    return int(local[0]["HostPort"]) if local else None


def _get_json(url: str) -> dict:
    try:
        return requests.get(url, timeout=5).json()
    except (requests.RequestException, ValueError) as error:
        raise CheckFailed(f"{url} gave no JSON answer ({type(error).__name__}).") from None


def check_hits_in_redis(project: Project | str, hits: object, client: docker.DockerClient | None = None) -> bool:
    """``hits`` is the counter Redis holds right now in ``project`` (read with redis-cli)."""
    require(
        isinstance(hits, int) and not isinstance(hits, bool),
        f"hits_in_redis should be an int, not {hits!r}: store the number redis-cli printed.",
    )
    name = _project_name(project)
    actual = _redis_hits(client or docker.from_env(), name)
    require(hits == actual, f"Redis holds hits={actual}, but hits_in_redis is {hits}.")
    return passed(f"Redis in {name} holds hits={actual}, the same number you read.")


def check_scaled(project: Project | str, client: docker.DockerClient, replicas: int) -> bool:
    """``web`` runs exactly ``replicas`` healthy containers, each answering /count itself."""
    name = _project_name(project)
    containers = service_containers(client, name, "web")
    require(bool(containers), f"Project {name} runs no web container: bring the stack up first (section 4).")
    require(
        len(containers) == replicas,
        f"{name} runs {len(containers)} web containers, not {replicas}: "
        f"`docker compose -p {name} up -d --wait --scale web={replicas}`.",
    )
    for container in containers:
        health = container.attrs["State"].get("Health", {}).get("Status")
        require(health == "healthy", f"{container.name} is {health or 'without a healthcheck'}, not healthy.")
        port = _published(container)
        require(port is not None, f"{container.name} publishes no 127.0.0.1 port for 5000.")
        answer = _get_json(f"http://127.0.0.1:{port}/count")
        require(answer.get("container") == container.id[:12], f"{container.name} did not answer /count itself.")
    return passed(f"{name}: web runs {replicas} healthy replica(s), each answering /count.")


def check_compose_from_scratch(
    path: str | Path, client: docker.DockerClient, labels: dict[str, str], project: str = "wb08-ex"
) -> bool:
    """Exercise 4: the learner's compose file for web + Redis validates, runs as ``project`` and counts."""
    project = owned(project)
    model, _ = compose_config(path)
    services = model.get("services", {})
    require(set(services) >= {"web", "redis"}, f"Your file defines {sorted(services)}; it needs `web` and `redis`.")
    web = services["web"]
    condition = ((web.get("depends_on") or {}).get("redis") or {}).get("condition")
    require(
        condition == "service_healthy",
        "`web` should wait for a healthy Redis: `depends_on: {redis: {condition: service_healthy}}`.",
    )
    require(bool(services["redis"].get("healthcheck")), "`redis` has no healthcheck (`redis-cli ping`).")
    ports = web.get("ports") or []
    require(
        any(str(p.get("target")) == "5000" and p.get("host_ip") == "127.0.0.1" for p in ports),
        '`web` should publish container port 5000 on 127.0.0.1 only: "127.0.0.1::5000".',
    )
    running = {service: service_containers(client, project, service) for service in ("web", "redis")}
    require(
        all(running.values()),
        f"Project {project} is not up: `docker compose -p {project} -f {path} up -d --wait`.",
    )
    web_container = running["web"][0]
    files = web_container.labels.get("com.docker.compose.project.config_files", "")
    require(
        str(Path(path).resolve()) in files.split(","),
        f"{project} was started from {files or 'another file'}, not from {path}.",
    )
    for container in running["web"] + running["redis"]:
        missing = [key for key, value in labels.items() if container.labels.get(key) != value]
        require(not missing, f"{container.name} lacks the label {labels}: add it under `labels:` of its service.")
    port = _published(web_container)
    require(port is not None, f"{web_container.name} publishes no 127.0.0.1 port for 5000.")
    url = f"http://127.0.0.1:{port}/count"
    first = _get_json(url).get("hits")
    second = _get_json(url).get("hits")
    require(
        isinstance(first, int) and second == first + 1,
        f"{url} answered hits={first}, then {second}: it should count up (REDIS_HOST names the redis service).",
    )
    require(_redis_hits(client, project) == second, f"Redis in {project} does not hold the count /count returned.")
    return passed(f"{project}: web and redis up from your file; /count counts up by one, and Redis holds the count.")
