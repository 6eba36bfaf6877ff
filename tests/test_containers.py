"""workbook.containers against the real engine (small containers of the resolved Python base image)."""

from __future__ import annotations

import time
import uuid

import docker.errors
import pytest

from workbook import LABEL
from workbook.cleanup import remove_labelled
from workbook.containers import (
    REMOVED,
    ContainerNotReady,
    Process,
    caught_signals,
    container_events,
    health,
    parse_process_listing,
    processes,
    restart_count,
    signal_names,
    state,
    stop_timed,
    wait_for_health,
    wait_for_log,
    wait_for_restart_count,
    wait_for_state,
)
from workbook.engine import connect
from workbook.images import resolved

OWNER = "tests-containers"
LABELS = {LABEL: OWNER}


@pytest.fixture(scope="module")
def client():
    client = connect()
    yield client
    remove_labelled(client, OWNER)


@pytest.fixture(scope="module")
def base_image():
    return resolved("python")


def unique(prefix: str) -> str:
    return f"wbtest-{prefix}-{uuid.uuid4().hex[:6]}"


def run(client, image, command, **kwargs):
    name = unique("c")
    client.containers.run(image, command, name=name, detach=True, labels=LABELS, **kwargs)
    return name


def test_state_follows_the_lifecycle_and_reports_removed(client, base_image):
    name = unique("life")
    container = client.containers.create(base_image, ["sleep", "60"], name=name, labels=LABELS)
    assert state(client, name) == "created"
    container.start()
    assert wait_for_state(client, name, "running", timeout=10) == "running"
    container.pause()
    assert state(client, name) == "paused"
    container.unpause()
    container.kill()
    assert wait_for_state(client, name, {"exited", "dead"}, timeout=10) == "exited"
    container.remove()
    assert state(client, name) == REMOVED


def test_wait_for_state_times_out_with_the_state_seen(client, base_image):
    name = run(client, base_image, ["sleep", "60"])
    with pytest.raises(ContainerNotReady, match=r"is running, not exited, after 0\.3 s"):
        wait_for_state(client, name, "exited", timeout=0.3)


def test_health_goes_from_starting_to_healthy(client, base_image):
    healthcheck = {"test": ["CMD", "true"], "interval": 300_000_000, "start_period": 0}
    name = run(client, base_image, ["sleep", "60"], healthcheck=healthcheck)
    assert health(client, name) == "starting"
    assert wait_for_health(client, name, timeout=15) == "healthy"


def test_wait_for_health_without_a_healthcheck_says_how_to_add_one(client, base_image):
    name = run(client, base_image, ["sleep", "60"])
    assert health(client, name) is None
    with pytest.raises(ContainerNotReady, match="has no healthcheck"):
        wait_for_health(client, name, timeout=1)


def test_wait_for_health_fails_at_once_when_the_container_stops(client, base_image):
    healthcheck = {"test": ["CMD", "false"], "interval": 10_000_000_000}
    name = run(client, base_image, ["sh", "-c", "echo bye; exit 3"], healthcheck=healthcheck)
    wait_for_state(client, name, "exited", timeout=10)
    started = time.monotonic()
    with pytest.raises(ContainerNotReady, match="is exited while waiting.*bye"):
        wait_for_health(client, name, timeout=30)
    assert time.monotonic() - started < 5


def test_wait_for_health_timeout_shows_the_last_probe(client, base_image):
    healthcheck = {"test": ["CMD", "sh", "-c", "echo not yet; exit 1"], "interval": 200_000_000, "retries": 100}
    name = run(client, base_image, ["sleep", "60"], healthcheck=healthcheck)
    with pytest.raises(ContainerNotReady, match="is starting, not healthy.*not yet"):
        wait_for_health(client, name, timeout=2)


def test_restart_policy_raises_the_restart_count(client, base_image):
    name = run(client, base_image, ["sh", "-c", "sleep 0.3; exit 1"], restart_policy={"Name": "on-failure"})
    since = time.time()
    assert wait_for_restart_count(client, name, 1, timeout=20) >= 1
    assert restart_count(client, name) >= 1
    actions = container_events(client, name, since - 5)
    assert ("die", "1") in actions


def test_wait_for_restart_count_explains_manual_stops(client, base_image):
    name = run(client, base_image, ["sleep", "60"], restart_policy={"Name": "always"})
    client.containers.get(name).kill()
    with pytest.raises(ContainerNotReady, match="restarted 0 time\\(s\\), not 1.*never triggers a restart"):
        wait_for_restart_count(client, name, 1, timeout=1)
    assert restart_count(client, name) == 0


def test_unknown_container_is_named_in_the_error(client):
    with pytest.raises(ContainerNotReady, match="no container called 'wbtest-none'"):
        restart_count(client, "wbtest-none")


def test_wait_for_log_returns_matching_lines_or_explains(client, base_image):
    name = run(client, base_image, ["sh", "-c", "echo ready one; echo ready two; sleep 60"])
    assert wait_for_log(client, name, "ready", count=2, timeout=10) == ["ready one", "ready two"]
    with pytest.raises(ContainerNotReady, match="has 0 line\\(s\\) with 'never'"):
        wait_for_log(client, name, "never", timeout=0.3)
    gone = run(client, base_image, ["sh", "-c", "echo crashed; exit 1"])
    wait_for_state(client, gone, "exited", timeout=10)
    with pytest.raises(ContainerNotReady, match="stopped before its log showed.*crashed"):
        wait_for_log(client, gone, "ready", timeout=5)


def test_processes_lists_pid_1_and_its_children_but_not_the_lister(client, base_image):
    name = run(client, base_image, ["sh", "-c", "sleep 60 & sleep 61 & wait"])
    wait_for_state(client, name, "running", timeout=10)
    deadline = time.monotonic() + 10
    while True:
        found = processes(client, name)
        if len(found) >= 3 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert found[0].pid == 1 and found[0].program == "sh"
    children = [p for p in found if p.ppid == 1]
    assert sorted(p.args for p in children) == [("sleep", "60"), ("sleep", "61")]
    assert len(found) == 3  # the lister and its helpers are left out
    assert {p.uid for p in found} == {0}


def test_processes_of_a_stopped_container_fail_clearly(client, base_image):
    name = run(client, base_image, ["true"])
    wait_for_state(client, name, "exited", timeout=10)
    with pytest.raises((ContainerNotReady, docker.errors.APIError)):
        processes(client, name)


def test_parse_process_listing_skips_the_lister_and_vanished_processes():
    text = "\n".join(
        [
            "self 40",
            "proc 1 0 10001 /usr/bin/python3\x1f/usr/local/bin/gunicorn\x1f--workers\x1f2\x1f",
            "proc 7 1 10001 /usr/bin/python3\x1f/usr/local/bin/gunicorn\x1f",
            "proc 40 0 0 sh\x1f-c\x1f",
            "proc 41 40 0 sed\x1f-n\x1f",
            "proc 42   ",
        ]
    )
    found = parse_process_listing(text)
    assert [p.pid for p in found] == [1, 7]
    assert found[0].args == ("/usr/bin/python3", "/usr/local/bin/gunicorn", "--workers", "2")
    assert found[0].program == "gunicorn"


@pytest.mark.parametrize(
    ("args", "program"),
    [
        (("/bin/sh", "-c", "gunicorn run:app"), "sh"),
        (("python3", "-m", "http.server"), "python3"),
        (("/usr/bin/python3", "/usr/local/bin/gunicorn"), "gunicorn"),
        ((), "?"),
    ],
)
def test_process_program_names_the_script_of_an_interpreter(args, program):
    assert Process(1, 0, 0, args).program == program


def test_signal_names_read_a_sigcgt_mask():
    # dash as PID 1 catches SIGINT and SIGCHLD only: 0x10002
    assert signal_names(0x10002) == ["SIGINT", "SIGCHLD"]
    assert signal_names(1 << 14) == ["SIGTERM"]
    assert signal_names(0) == []
    assert signal_names(1 << 32) == ["signal 33"]


def test_caught_signals_of_a_shell_lack_sigterm(client, base_image):
    name = run(client, base_image, ["sh", "-c", "sleep 60; true"])
    wait_for_state(client, name, "running", timeout=10)
    caught = caught_signals(client, name)
    assert "SIGTERM" not in caught and "SIGCHLD" in caught
    with pytest.raises(ContainerNotReady, match="Could not read the signal mask of PID 999"):
        caught_signals(client, name, pid=999)


def test_stop_timed_reports_time_and_exit_code(client, base_image, capsys):
    trapping = run(client, base_image, ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"])
    ignoring = run(client, base_image, ["sh", "-c", "sleep 60; true"])
    wait_for_state(client, trapping, "running", timeout=10)
    fast = stop_timed(trapping)
    assert fast.exit_code == 0 and fast.within(3)
    slow = stop_timed(ignoring, timeout=1)
    assert slow.exit_code == 137 and slow.seconds >= 0.9 and not slow.within(0.5)
    out = capsys.readouterr().out
    assert f"$ docker stop {trapping}\n{trapping}\n" in out
    assert f"$ docker stop --time 1 {ignoring}\n" in out


def test_container_events_keep_to_the_time_window(client, base_image):
    name = unique("ev")
    container = client.containers.run(base_image, ["sleep", "60"], name=name, detach=True, labels=LABELS)
    container.exec_run(["true"])
    between = time.time()
    container.kill()
    wait_for_state(client, name, "exited", timeout=10)
    actions = container_events(client, name, between)
    assert actions == [("kill", None), ("die", "137")]
    everything = [a for a, _ in container_events(client, name, between - 30)]
    assert everything[:2] == ["create", "start"] and "exec_die" in everything
