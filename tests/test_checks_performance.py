"""workbook.checks.performance: not done, half done or wrong is a CheckFailed naming the fix."""

from __future__ import annotations

from types import SimpleNamespace

import docker.errors
import pytest

from workbook import LABEL
from workbook.checks import performance
from workbook.checks.performance import bind_of, check_host_network, check_waiting_scales
from workbook.engine import connect
from workbook.errors import CheckFailed

LABELS = {LABEL: "10-performance"}
GUNICORN = ["gunicorn", "--bind", "127.0.0.1:5010", "--workers", "5", "run:app"]


class FakeContainers:
    def __init__(self, container=None) -> None:
        self.container = container

    def get(self, name):
        if self.container is None:
            raise docker.errors.NotFound(f"No such container: {name}")
        return self.container


def fake_client(command=GUNICORN, labels=LABELS, status="running", network="host", mounts=None):
    attrs = {
        "State": {"Status": status},
        "HostConfig": {"NetworkMode": network},
        "Config": {"Cmd": command, "Image": "workbook/flask-app:10"},
        "Mounts": mounts or [],
    }
    container = SimpleNamespace(labels=labels, attrs=attrs, name="wb10-ex1")
    return SimpleNamespace(containers=FakeContainers(container))


def test_bind_addresses_are_read_in_every_spelling():
    assert bind_of(GUNICORN) == "127.0.0.1:5010"
    assert bind_of(["gunicorn", "--bind=0.0.0.0:80", "app"]) == "0.0.0.0:80"
    assert bind_of(["gunicorn", "-b127.0.0.1:1", "app"]) == "127.0.0.1:1"
    assert bind_of(["gunicorn", "run:app"]) is None


@pytest.mark.parametrize("check", [check_host_network, check_waiting_scales])
def test_nothing_done_fails_with_the_command_to_run(check):
    with pytest.raises(CheckFailed, match="There is no container called 'wb10-ex"):
        check(SimpleNamespace(containers=FakeContainers()), LABELS)


def test_nothing_done_fails_on_the_real_engine_too():
    with pytest.raises(CheckFailed, match="no container"):
        check_host_network(connect(), LABELS, name="wb10-never-created")


@pytest.mark.parametrize(
    ("client", "fix"),
    [
        (fake_client(labels={}), "--label"),
        (fake_client(status="exited"), "docker logs"),
        (fake_client(network="bridge"), "--network host"),
        (fake_client(command=["/bin/sh", "-c", "gunicorn run:app"]), "gunicorn --bind 127.0.0.1:PORT"),
        (fake_client(command=["gunicorn", "run:app"]), "add `--bind 127.0.0.1:PORT`"),
        (fake_client(command=["gunicorn", "--bind", "0.0.0.0:5010", "run:app"]), "every address of the machine"),
    ],
)
def test_half_done_or_unsafe_fails_with_the_fix(client, fix):
    with pytest.raises(CheckFailed, match=fix.replace("(", r"\(")):
        check_host_network(client, LABELS)


def test_the_waiting_exercise_needs_the_bench_folder_and_the_wait_app():
    with pytest.raises(CheckFailed, match="/bench"):
        check_waiting_scales(fake_client(), LABELS)
    mounts = [{"Destination": "/bench", "Source": "/tmp/x"}]
    with pytest.raises(CheckFailed, match="gil:wait"):
        check_waiting_scales(fake_client(mounts=mounts), LABELS)


def test_a_server_that_never_answers_fails_in_one_line(monkeypatch):
    monkeypatch.setattr(performance, "wait_for_http", _never)
    mounts = [{"Destination": "/bench", "Source": "/tmp/x"}]
    with pytest.raises(CheckFailed, match="Nothing answers 200"):
        check_waiting_scales(fake_client(command=[*GUNICORN[:-1], "gil:wait"], mounts=mounts), LABELS)


def _never(url, timeout=30.0):
    from workbook.errors import ServiceNotReady

    raise ServiceNotReady(f"{url} did not answer")


def measured(monkeypatch, yours: float, reference: float, text: str) -> None:
    from workbook.bench import WrkResult

    monkeypatch.setattr(performance, "wait_for_http", lambda url, timeout=30.0: SimpleNamespace(text=text))
    monkeypatch.setattr(
        performance, "_compare", lambda a, b: (WrkResult(1, 2, yours, 1, 2), WrkResult(1, 2, reference, 1, 2))
    )


def runnable(client):
    removed = []
    client.containers.run = lambda *args, **kwargs: SimpleNamespace(remove=lambda force: removed.append(force))
    return removed


def test_a_configuration_that_does_not_beat_the_reference_fails(monkeypatch):
    mounts = [{"Destination": "/bench", "Source": "/tmp/x"}]
    client = fake_client(command=[*GUNICORN[:-1], "gil:wait"], mounts=mounts)
    removed = runnable(client)
    measured(monkeypatch, 75.0, 50.0, "waited 20 ms")
    with pytest.raises(CheckFailed, match=r"×1.5 one sync worker .* asks for ×3"):
        check_waiting_scales(client, LABELS)
    measured(monkeypatch, 400.0, 50.0, "waited 20 ms")
    assert check_waiting_scales(client, LABELS) and removed == [True, True]


def test_host_networking_must_serve_the_flask_app_without_errors(monkeypatch):
    from workbook.bench import WrkResult

    client = fake_client()
    measured(monkeypatch, 900.0, 1000.0, "something else")
    with pytest.raises(CheckFailed, match="Hello World"):
        check_host_network(client, LABELS)
    measured(monkeypatch, 900.0, 1000.0, "Hello World!")
    monkeypatch.setattr(performance, "run_wrk", lambda url, seconds: WrkResult(9, 1, 9.0, 1, 2, socket_errors=1))
    with pytest.raises(CheckFailed, match="3 failed requests"):
        check_host_network(client, LABELS)
    monkeypatch.setattr(performance, "run_wrk", lambda url, seconds: WrkResult(9, 1, 9.0, 1, 2))
    assert check_host_network(client, LABELS)
