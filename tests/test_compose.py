"""Tests of workbook.compose: output summaries, commands, project records, ports, cleanup."""

from __future__ import annotations

import socket
import subprocess

import pytest
import requests

import workbook.compose as wc
from workbook.cli import Result
from workbook.compose import (
    Project,
    build_steps,
    cached_steps,
    down_all,
    draw_stacks,
    free_port_range,
    recorded_projects,
    summarize,
)
from workbook.errors import ServiceNotReady
from workbook.images import resolved
from workbook.ports import PORT_OFFSET_VARIABLE, port_is_free

UP_OUTPUT = """\
 Network wb08_default  Creating
 Container wb08-redis-1  Creating
 Network wb08_default  Created
 Volume wb08_redis-data  Created
 Container wb08-redis-1  Created
 Container wb08-web-1  Created
 Container wb08-redis-1  Waiting
 Container wb08-redis-1  Healthy
 Container wb08-web-1  Started
 Container wb08-web-1  Healthy
time="2026-11-28T03:44:28Z" level=warning msg="something to know"
"""

BUILD_OUTPUT = """\
#3 [web internal] load metadata for docker.io/library/python:3.12-slim
#4 [web 1/3] FROM docker.io/library/python:3.12-slim
#4 DONE 0.0s
#6 [web 2/3] WORKDIR /usr/src/app
#6 CACHED
#7 [web 3/3] COPY . .
#7 DONE 0.1s
#7 [web 3/3] COPY . .
 web  Built
"""


@pytest.fixture
def records(tmp_path, monkeypatch):
    """Keep project records in a temporary folder."""
    monkeypatch.setattr("workbook.compose.project.RECORD_DIR", tmp_path / "records")
    return tmp_path / "records"


def test_summarize_keeps_last_state_in_stable_order():
    assert summarize(UP_OUTPUT) == [
        "Network wb08_default: Created",
        "Volume wb08_redis-data: Created",
        "Container wb08-redis-1: Healthy",
        "Container wb08-web-1: Healthy",
        'time="2026-11-28T03:44:28Z" level=warning msg="something to know"',
    ]


def test_summarize_of_nothing_is_empty():
    assert summarize("") == []


def test_build_steps_lists_each_numbered_step_once():
    assert build_steps(BUILD_OUTPUT) == [
        "[web 1/3] FROM docker.io/library/python:3.12-slim",
        "[web 2/3] WORKDIR /usr/src/app",
        "[web 3/3] COPY . .",
    ]


BAKE_OUTPUT = """\
#1 [internal] load local bake definitions
#1 DONE 0.0s
#6 [1/3] FROM docker.io/workbook-substitute/python:3.13-slim@sha256:c603
#6 DONE 0.3s
#7 [2/3] WORKDIR /usr/src/app
#7 CACHED
#10 [3/3] COPY . .
#10 DONE 0.3s
#7 [2/3] WORKDIR /usr/src/app
#7 CACHED
"""


def test_build_steps_of_bake_have_no_target_name():
    assert build_steps(BAKE_OUTPUT) == [
        "[1/3] FROM docker.io/workbook-substitute/python:3.13-slim@sha256:c603",
        "[2/3] WORKDIR /usr/src/app",
        "[3/3] COPY . .",
    ]


def test_build_steps_give_shared_steps_this_builds_total():
    shared = "#6 [1/5] FROM docker.io/x/python:3.13-slim\n#7 [2/5] WORKDIR /app\n#7 CACHED\n"
    own = "#8 [3/6] RUN useradd app\n#9 [4/6] COPY a .\n#10 [5/6] RUN pip\n#11 [6/6] COPY . .\n#11 CACHED\n"
    assert build_steps(shared + own)[:2] == ["[1/6] FROM docker.io/x/python:3.13-slim", "[2/6] WORKDIR /app"]
    assert cached_steps(shared + own) == ["[2/6] WORKDIR /app", "[6/6] COPY . ."]


def test_cached_steps_are_those_buildkit_marked_cached():
    assert cached_steps(BAKE_OUTPUT) == ["[2/3] WORKDIR /usr/src/app"]
    assert cached_steps(BUILD_OUTPUT) == ["[web 2/3] WORKDIR /usr/src/app"]
    assert cached_steps("") == []


class _Answer:
    def __init__(self, text: str) -> None:
        self.text = text


def test_wait_for_new_answer_treats_connection_errors_as_not_yet(monkeypatch):
    answers = iter([_Answer("old"), requests.ConnectionError(), requests.ReadTimeout(), _Answer("new")])

    def fake_get(url: str, timeout: float) -> _Answer:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(requests, "get", fake_get)
    assert wc.wait_for_new_answer("http://127.0.0.1:1/", "old", interval=0) == "new"


def test_wait_for_new_answer_gives_up_with_the_last_observation(monkeypatch):
    monkeypatch.setattr(requests, "get", lambda url, timeout: _Answer("old"))
    with pytest.raises(ServiceNotReady, match="last: still 'old'"):
        wc.wait_for_new_answer("http://127.0.0.1:1/", "old", timeout=0.05, interval=0.01)


def test_command_shows_env_project_and_extra_files(records):
    plain = Project("wb08", env={"WEB_PORT": "5000"})
    assert plain.command("up -d --wait") == "WEB_PORT=5000 docker compose -p wb08 --ansi never up -d --wait"
    dev = plain.with_files("compose.yaml", "compose.dev.yaml").with_env(APP_SRC="/tmp/x")
    assert dev.command("ps") == (
        "WEB_PORT=5000 APP_SRC=/tmp/x docker compose -p wb08 -f compose.yaml -f compose.dev.yaml --ansi never ps"
    )
    assert plain.env == {"WEB_PORT": "5000"}, "with_env must not change the original"


def test_url_follows_the_port_variable(records):
    assert Project("wb08", env={"WEB_PORT": "5005-5007"}).url == "http://127.0.0.1:5005"
    assert Project("wb08").url == "http://127.0.0.1:5000"


def test_projects_are_recorded_once_in_order(records):
    Project("wb08", notebook="nb-test")
    Project("wb08-green", notebook="nb-test")
    Project("wb08", notebook="nb-test")
    Project("unrecorded")
    assert recorded_projects("nb-test") == ["wb08", "wb08-green"]
    assert recorded_projects("other") == []


def test_free_port_range_prefers_the_given_ports(monkeypatch):
    monkeypatch.delenv(PORT_OFFSET_VARIABLE, raising=False)  # the parallel run's second worker sets one
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        base = probe.getsockname()[1]
    if not all(port_is_free(p) for p in range(base, base + 3)):
        pytest.skip("the kernel's free port is followed by busy ones")
    assert free_port_range(base, 3, announce=False) == f"{base}-{base + 2}"


def test_free_port_range_moves_away_from_a_taken_port(capsys, monkeypatch):
    monkeypatch.delenv(PORT_OFFSET_VARIABLE, raising=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        chosen = free_port_range(taken, 3)
        first, last = (int(p) for p in chosen.split("-"))
        assert last - first == 2 and not (first <= taken <= last)
        assert "partly taken" in capsys.readouterr().out


def test_refresh_ports_replaces_a_port_someone_else_took(records):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        project = Project("wb-test-refresh", env={"WEB_PORT": str(taken)})
        project.refresh_ports()
        assert project.env["WEB_PORT"] != str(taken) and port_is_free(int(project.env["WEB_PORT"]))
    free = Project("wb-test-refresh", env={"WEB_PORT": project.env["WEB_PORT"]})
    free.refresh_ports()
    assert free.env["WEB_PORT"] == project.env["WEB_PORT"]


def test_down_all_removes_a_real_project_without_its_file(records, tmp_path):
    """Real engine: a one-container project with a volume, taken down by name only."""
    folder = tmp_path / "stack"
    folder.mkdir()
    (folder / "compose.yaml").write_text(
        f"""\
services:
  store:
    image: {resolved("redis")}
    volumes: [data:/data]
    labels: {{org.workbook.notebook: test-compose}}
volumes:
  data:
    labels: {{org.workbook.notebook: test-compose}}
networks:
  default:
    labels: {{org.workbook.notebook: test-compose}}
"""
    )
    project = Project("wbtest-down", notebook="test-compose", directory=folder)
    try:
        assert project.run("up -d", show=False).ok
        client = __import__("docker").from_env()
        assert len(project.containers(client)) == 1 and project.volumes(client) == ["wbtest-down_data"]
        (folder / "compose.yaml").write_text("this: [is not a compose file\n")  # down_all must not need it
        assert down_all("test-compose", show=False) == ["wbtest-down"]
        assert project.containers(client, all=True) == []
        assert project.networks(client) == [] and project.volumes(client) == []
        assert recorded_projects("test-compose") == []
    finally:
        subprocess.run(["docker", "compose", "-p", "wbtest-down", "down", "-v"], capture_output=True, cwd=tmp_path)


def test_down_all_also_removes_the_images_compose_built(records, monkeypatch, capsys):
    """Fake CLI: after `down`, the images labelled with the project go too (down without a file cannot)."""
    commands: list[str] = []

    def fake_run(command: str, **_: object) -> Result:
        commands.append(command)
        if command.startswith("docker image ls"):
            return Result(command, 0, "sha256:aaa\nsha256:aaa\n" if "wbtest-built" in command else "")
        return Result(command, 0, " Container wbtest-built-web-1  Removed\n")

    monkeypatch.setattr("workbook.compose.project.run", fake_run)
    assert down_all("test-compose", extra=["wbtest-built", "wbtest-none"]) == ["wbtest-built", "wbtest-none"]
    assert "docker image ls -q --no-trunc --filter label=com.docker.compose.project=wbtest-built" in commands
    assert "docker image rm -f sha256:aaa" in commands
    assert not any(c.startswith("docker image rm") and "wbtest-none" in c for c in commands)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].endswith(": removed 1 objects, then 1 image(s) Compose built for it")
    assert printed[1].endswith(": removed 1 objects")


def test_draw_stacks_draws_empty_projects(records):
    import matplotlib

    matplotlib.use("Agg")
    client = __import__("docker").from_env()
    figure = draw_stacks(client, [Project("wbtest-none-a"), Project("wbtest-none-b")])
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "project wbtest-none-a" in texts and "project wbtest-none-b" in texts
