"""Run ``docker compose`` for a notebook: one project name, stable output, complete cleanup.

A ``Project`` is a Compose project (``-p NAME``) over files in ``compose/``. Its commands
run in that folder, as after ``cd compose``, so Compose finds ``compose.yaml`` and the
``.env`` that ``make setup`` wrote. Each command is printed as a learner would type it,
including the environment variables the notebook adds (``WEB_PORT=5000 docker compose …``).

Every project name a notebook uses is recorded under ``.workbook/compose/``, so that
``down_all`` can run ``docker compose -p NAME down -v --remove-orphans`` for each, even
after an interrupted run and without reading any compose file.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import docker

from workbook.cli import Result, run
from workbook.compose.output import summarize
from workbook.errors import CommandFailed
from workbook.layout import ROOT, STATE_DIR
from workbook.owner import owned
from workbook.ports import LOOPBACK, any_free_port, free_port_range, port_is_free

COMPOSE_DIR = ROOT / "compose"
RECORD_DIR = STATE_DIR / "compose"
PROJECT_LABEL = "com.docker.compose.project"
SERVICE_LABEL = "com.docker.compose.service"


def record_file(notebook: str) -> Path:
    """The file listing the Compose project names ``notebook`` used."""
    return RECORD_DIR / f"{notebook}.projects"


def recorded_projects(notebook: str) -> list[str]:
    """Project names recorded for ``notebook``, in the order first used."""
    path = record_file(notebook)
    if not path.exists():
        return []
    names: list[str] = []
    for line in path.read_text().splitlines():
        if line.strip() and line.strip() not in names:
            names.append(line.strip())
    return names


def record_project(notebook: str, name: str) -> None:
    """Remember that ``notebook`` uses project ``name`` (idempotent)."""
    if name in recorded_projects(notebook):
        return
    path = record_file(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as file:
        file.write(name + "\n")


@dataclass
class Project:
    """One Compose project: a name, its files in ``compose/`` and the variables it adds.

    ``notebook`` records the name for ``down_all``; ``env`` holds variables such as
    ``WEB_PORT`` that Compose interpolates into the files (shown in front of each command).

    ``port_variables`` name the variables holding host ports (``"5000"`` or a range
    ``"5000-5002"``). Before ``up``, a port that another program took since it was chosen
    (on a shared engine a ``down`` frees it for anyone) is replaced by a free one, and an
    ``up`` that the engine refuses with "port is already allocated" is retried with new
    ports; the printed command shows the value used, and ``url`` follows it.
    """

    name: str
    files: Sequence[str] = ("compose.yaml",)
    env: dict[str, str] = field(default_factory=dict)
    notebook: str | None = None
    directory: Path = COMPOSE_DIR
    port_variables: tuple[str, ...] = ("WEB_PORT",)

    def __post_init__(self) -> None:
        self.files = tuple(self.files)
        self.name = owned(self.name)
        if self.notebook:
            record_project(self.notebook, self.name)

    def command(self, args: str) -> str:
        """The shell command for ``docker compose ARGS`` in this project."""
        parts = []
        parts += [f"{key}={value}" for key, value in self.env.items()]
        parts += ["docker", "compose", "-p", self.name]
        if self.files != ("compose.yaml",):
            for file in self.files:
                parts += ["-f", file]
        parts += ["--ansi", "never", args]
        return " ".join(parts)

    def run(self, args: str, check: bool = True, show: bool = True, timeout: float = 300) -> Result:
        """Run ``docker compose ARGS`` in ``compose/``, print it and its output (see ``workbook.cli.run``)."""
        return run(self.command(args), check=check, show=show, cwd=self.directory, timeout=timeout)

    def step(self, args: str, check: bool = True, port_retries: int = 0) -> Result:
        """Run an ``up``/``down``-like command and print only the final state of each object.

        With ``port_retries``, a run that fails because the engine already gave a host
        port to someone else is repeated with newly chosen ports; only the last run is shown.
        """
        result = run(self.command(args), check=False, show=False, cwd=self.directory)
        for _ in range(port_retries):
            if result.ok or "port is already allocated" not in result.output:
                break
            self.refresh_ports(force=True)
            result = run(self.command(args), check=False, show=False, cwd=self.directory)
        print(f"$ {self.command(args)}")
        for line in summarize(result.output):
            print(f"  {line}")
        if check and not result.ok:
            raise CommandFailed(f"`{result.command}` exited with status {result.returncode}; its output is above.")
        return result

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` for the first port of the first port variable."""
        value = self.env.get(self.port_variables[0], "5000") if self.port_variables else "5000"
        return f"http://{LOOPBACK}:{value.split('-')[0]}"

    def held_ports(self) -> set[int]:
        """Host ports that this project's own containers publish now."""
        client = docker.from_env()
        try:
            held = set()
            for container in client.containers.list(filters=self.filters()):
                for bindings in (container.attrs["NetworkSettings"]["Ports"] or {}).values():
                    held.update(int(b["HostPort"]) for b in bindings or [])
            return held
        finally:
            client.close()

    def refresh_ports(self, force: bool = False) -> None:
        """Replace a port (or range) in ``env`` that another program took meanwhile by a free one.

        With ``force`` every port variable gets new ports, free or not (after the engine
        refused one that looked free: another user's container was being created on it).
        """
        held: set[int] | None = None
        for variable in self.port_variables:
            value = self.env.get(variable)
            if not value or not re.fullmatch(r"\d+(-\d+)?", value):
                continue
            first, _, last = value.partition("-")
            ports = range(int(first), int(last or first) + 1)
            if not force and all(port_is_free(p) for p in ports):
                continue
            held = self.held_ports() if held is None else held
            if not force and all(p in held or port_is_free(p) for p in ports):
                continue
            if len(ports) == 1:
                self.env[variable] = str(any_free_port())
            else:
                self.env[variable] = free_port_range(ports[-1] + 1 if force else ports[0], len(ports), announce=False)

    def up(self, flags: str = "", check: bool = True) -> Result:
        """``up -d --wait [FLAGS]``: start the stack and wait until every service is healthy."""
        self.refresh_ports()
        return self.step(f"up -d --wait {flags}".strip(), check=check, port_retries=2)

    def down(self, volumes: bool = False, check: bool = True) -> Result:
        """``down`` (with ``-v`` also the named volumes)."""
        return self.step("down -v" if volumes else "down", check=check)

    def with_env(self, **env: str) -> Project:
        """The same project with more (or other) variables; it shares the name."""
        return Project(self.name, self.files, {**self.env, **env}, self.notebook, self.directory, self.port_variables)

    def with_files(self, *files: str) -> Project:
        """The same project over other files (e.g. ``compose.yaml`` plus an override)."""
        return Project(self.name, files, dict(self.env), self.notebook, self.directory, self.port_variables)

    def filters(self, service: str | None = None) -> dict[str, list[str]]:
        """SDK filters selecting this project's objects (and one service's containers)."""
        labels = [f"{PROJECT_LABEL}={self.name}"]
        if service:
            labels.append(f"{SERVICE_LABEL}={service}")
        return {"label": labels}

    def containers(
        self, client: docker.DockerClient, service: str | None = None, all: bool = False
    ) -> list[docker.models.containers.Container]:
        """The project's containers (running only unless ``all``), sorted by name."""
        found = client.containers.list(all=all, filters=self.filters(service))
        return sorted(found, key=lambda c: c.name)

    def networks(self, client: docker.DockerClient) -> list[str]:
        """Names of the project's networks."""
        return sorted(n.name for n in client.networks.list(filters=self.filters()))

    def volumes(self, client: docker.DockerClient) -> list[str]:
        """Names of the project's volumes."""
        return sorted(v.name for v in client.volumes.list(filters=self.filters()))

    def published_ports(self, client: docker.DockerClient, service: str, private: int = 5000) -> dict[str, int]:
        """``{container name: host port}`` of ``service``'s published ``private`` port."""
        ports: dict[str, int] = {}
        for container in self.containers(client, service):
            container.reload()
            bindings = (container.attrs["NetworkSettings"]["Ports"] or {}).get(f"{private}/tcp") or []
            if bindings:
                ports[container.name] = int(bindings[0]["HostPort"])
        return ports


def listed_projects(prefix: str) -> list[str]:
    """Projects ``docker compose ls --all`` knows whose name starts with ``prefix``."""
    result = run("docker compose ls --all --format json", check=False, show=False)
    if not result.ok:
        return []
    try:
        entries = json.loads(result.output.strip() or "[]")
    except json.JSONDecodeError:
        return []
    return sorted(entry["Name"] for entry in entries if entry.get("Name", "").startswith(prefix))


def down_all(notebook: str, prefix: str | None = None, extra: Iterable[str] = (), show: bool = True) -> list[str]:
    """``docker compose -p NAME down -v --remove-orphans`` for every project ``notebook`` used.

    The names are the recorded ones, ``extra``, and (with ``prefix``) those that
    ``docker compose ls`` lists. It runs in an empty folder, so Compose finds the
    project's objects by their labels and needs no compose file: it works after an
    interrupted run and when a file is broken. ``-v`` also removes the anonymous
    volumes of the project's containers. Then it removes the images Compose built for
    the project (Compose labels them ``com.docker.compose.project=NAME``), which
    ``down`` without a file cannot know. Returns the names it took down.
    """
    names = [*recorded_projects(notebook), *map(owned, extra)]
    if prefix:
        names += listed_projects(owned(prefix))
    names = list(dict.fromkeys(names))
    with tempfile.TemporaryDirectory(prefix="compose-down-") as empty:
        for name in names:
            result = run(
                f"docker compose -p {name} --ansi never down -v --remove-orphans", check=False, show=False, cwd=empty
            )
            images = run(
                f"docker image ls -q --no-trunc --filter label={PROJECT_LABEL}={name}", check=False, show=False
            ).lines
            if images:
                run(f"docker image rm -f {' '.join(dict.fromkeys(images))}", check=False, show=False)
            if show:
                removed = [line for line in summarize(result.output) if line.endswith(": Removed")]
                state = f"removed {len(removed)} objects" if removed else "nothing to remove"
                built = f", then {len(set(images))} image(s) Compose built for it" if images else ""
                print(f"docker compose -p {name} down -v --remove-orphans: {state}{built}")
    record_file(notebook).unlink(missing_ok=True)
    return names
