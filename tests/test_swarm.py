"""Tests of workbook.swarm, workbook.swarmstate and workbook.loadclient (fakes; no swarm is created)."""

from __future__ import annotations

import http.server
import threading

import pytest

from workbook import loadclient, swarmstate
from workbook.swarm import Load, SwarmInUse, converged, init_swarm, task_name


class FakeInfoClient:
    """Answers ``info()`` with a given Swarm section; records what else is asked."""

    def __init__(self, swarm: dict) -> None:
        self.swarm_section = swarm
        self.left = False

    def info(self) -> dict:
        return {"Swarm": self.swarm_section}


@pytest.fixture
def marker_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(swarmstate, "MARKER_DIR", tmp_path / "swarm")
    return tmp_path / "swarm"


def test_a_foreign_swarm_is_refused_with_one_line(marker_dir):
    client = FakeInfoClient({"LocalNodeState": "active", "NodeID": "abc", "Nodes": 3})
    with pytest.raises(SwarmInUse, match="did not create; notebook 11 leaves it alone"):
        init_swarm(client, "11-swarm")
    assert not swarmstate.marker_path("11-swarm").exists()


def test_a_swarm_is_ours_only_when_the_marker_names_this_node(marker_dir):
    client = FakeInfoClient({"LocalNodeState": "active", "NodeID": "node1"})
    assert not swarmstate.made_by(client, "11-swarm")
    swarmstate.write_marker("11-swarm", "node2", gwbridge_existed=True)
    assert not swarmstate.made_by(client, "11-swarm")
    swarmstate.write_marker("11-swarm", "node1", gwbridge_existed=True)
    assert swarmstate.made_by(client, "11-swarm")
    assert not swarmstate.made_by(client, "08-compose")
    client.swarm_section = {"LocalNodeState": "inactive"}
    assert not swarmstate.made_by(client, "11-swarm")


def test_leave_if_made_leaves_only_our_swarm_and_forgets_the_marker(marker_dir):
    class Swarm:
        def __init__(self) -> None:
            self.left = 0

        def leave(self, force: bool = False) -> None:
            self.left += 1

    client = FakeInfoClient({"LocalNodeState": "active", "NodeID": "theirs"})
    client.swarm = Swarm()
    swarmstate.write_marker("11-swarm", "ours", gwbridge_existed=True)
    assert swarmstate.leave_if_made(client, "11-swarm") == []
    assert client.swarm.left == 0 and swarmstate.read_marker("11-swarm") is None

    client.swarm_section = {"LocalNodeState": "active", "NodeID": "ours"}
    swarmstate.write_marker("11-swarm", "ours", gwbridge_existed=True)
    assert swarmstate.leave_if_made(client, "11-swarm") == ["swarm"]
    assert client.swarm.left == 1


def test_no_services_are_listed_when_the_engine_is_no_manager():
    client = FakeInfoClient({"LocalNodeState": "inactive"})
    assert swarmstate.labelled_services(client, "11-swarm") == []
    assert swarmstate.remove_services(client, "11-swarm") == 0


def test_cleanup_of_other_notebooks_is_unchanged_outside_swarm_mode(client, test_labels):
    from workbook.cleanup import labelled_objects, remove_labelled

    if swarmstate.swarm_state(client) != "inactive":
        pytest.skip("the engine is in swarm mode")
    assert remove_labelled(client, "tests-unit").counts == {}
    assert labelled_objects(client, "tests-unit") == []


class FakeService:
    def __init__(self, replicas: int, image: str, tasks: list[dict], update: str = "") -> None:
        self.attrs = {
            "Spec": {
                "TaskTemplate": {"ContainerSpec": {"Image": image}},
                "Mode": {"Replicated": {"Replicas": replicas}},
            }
        }
        if update:
            self.attrs["UpdateStatus"] = {"State": update}
        self._tasks = tasks

    def tasks(self) -> list[dict]:
        return self._tasks


def task(image: str, desired: str = "running", state: str = "running") -> dict:
    return {"DesiredState": desired, "Status": {"State": state}, "Spec": {"ContainerSpec": {"Image": image}}}


def test_converged_wants_every_replica_on_the_new_image_and_no_old_task_running():
    new, old = "reg/app:v2@sha256:2", "reg/app:v1@sha256:1"
    assert converged(FakeService(2, new, [task(new), task(new), task(old, "shutdown", "shutdown")])) == (
        True,
        "running",
    )
    assert not converged(FakeService(2, new, [task(new), task(old)]))[0]
    assert not converged(FakeService(2, new, [task(new), task(new), task(old, "shutdown", "running")]))[0]
    assert not converged(FakeService(2, new, [task(new), task(new, state="starting")]))[0]
    assert converged(FakeService(1, new, [task(new)], update="updating")) == (False, "update updating")
    assert converged(FakeService(1, new, [task(new)], update="completed")) == (True, "completed")


def test_task_name_drops_the_task_id():
    class C:
        attrs = {"Labels": {"com.docker.swarm.task.name": "wb11_web.2.t95dxruakkcr0sdzfnvprjmbq"}}

    assert task_name(C()) == "wb11_web.2"


def test_load_summarises_results():
    results = [
        {"t": 10.0, "ok": True, "status": 200, "body": "v1", "by": "aaa"},
        {"t": 10.5, "ok": False, "error": "ConnectionRefusedError: [Errno 111] Connection refused"},
        {"t": 11.0, "ok": True, "status": 200, "body": "v2", "by": "bbb"},
        {"t": 11.5, "ok": True, "status": 200, "body": "v1", "by": "aaa"},
        {"t": 12.0, "ok": False, "status": 502, "body": "bad gateway", "by": ""},
    ]
    load = Load(results, {"aaa": "wb11_web.1"})
    assert len(load.failed) == 2
    assert load.errors() == {"ConnectionRefusedError": 1, "HTTP 502": 1}
    assert load.bodies() == {"v1": 2, "v2": 1}
    assert load.replicas() == {"wb11_web.1": 2, "bbb": 1}
    assert load.seconds == 2.0
    assert load.switch("v1", "v2") == (1.0, 1.5)


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        body = b"Hello World!"
        self.send_response(200)
        self.send_header("X-Served-By", "replica-1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_load_client_records_answers_and_counts_a_refused_connection():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        results = loadclient.run("127.0.0.1", port, seconds=10, interval=0.001, max_requests=5)
    finally:
        server.shutdown()
        server.server_close()
    assert [r["body"] for r in results] == ["Hello World!"] * 5
    assert {r["by"] for r in results} == {"replica-1"}
    refused = loadclient.one_request("127.0.0.1", port, timeout=1)
    assert refused["ok"] is False and refused["error"].startswith("ConnectionRefusedError")
