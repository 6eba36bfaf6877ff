"""Tests of workbook.checks.swarm: they fail with CheckFailed when the exercise is not done."""

from __future__ import annotations

import pytest

from workbook.checks import swarm as checks
from workbook.errors import CheckFailed


class NoSwarm:
    def info(self) -> dict:
        return {"Swarm": {"LocalNodeState": "inactive"}}


class Spec:
    """A fake client that is a manager and has one service with the given spec."""

    def __init__(self, spec: dict) -> None:
        service = type("Service", (), {"attrs": {"Spec": spec}, "reload": lambda self: None, "tasks": lambda self: []})
        self.services = type("Services", (), {"get": lambda _self, name: service()})()

    def info(self) -> dict:
        return {"Swarm": {"LocalNodeState": "active", "ControlAvailable": True}}


def spec(replicas: int = 3, memory: int | None = None, constraints: list[str] | None = None) -> dict:
    template: dict = {"ContainerSpec": {"Image": "reg/flask-app:v1"}}
    if memory:
        template["Resources"] = {"Limits": {"MemoryBytes": memory}}
    if constraints:
        template["Placement"] = {"Constraints": constraints}
    return {"TaskTemplate": template, "Mode": {"Replicated": {"Replicas": replicas}}}


def test_checks_fail_outside_swarm_mode():
    with pytest.raises(CheckFailed, match="not a swarm manager"):
        checks.check_replicas(NoSwarm(), 2)
    with pytest.raises(CheckFailed, match="not a swarm manager"):
        checks.check_limits(NoSwarm())


def test_check_replicas_names_the_command_when_not_scaled():
    with pytest.raises(CheckFailed, match="wants 3 replicas, not 2: `docker service scale -d wb11_web=2`"):
        checks.check_replicas(Spec(spec(replicas=3)), 2)


def test_check_replicas_fails_when_the_tasks_never_run():
    with pytest.raises(CheckFailed, match="has not got there"):
        checks.check_replicas(Spec(spec(replicas=2)), 2, timeout=0)


def test_check_limits_fails_until_both_are_set(capsys):
    with pytest.raises(CheckFailed, match="memory limit none"):
        checks.check_limits(Spec(spec()))
    with pytest.raises(CheckFailed, match="memory limit 134217728"):
        checks.check_limits(Spec(spec(memory=128 * 2**20, constraints=["node.role==manager"])))
    with pytest.raises(CheckFailed, match="constraints are none"):
        checks.check_limits(Spec(spec(memory=256 * 2**20)))
    with pytest.raises(CheckFailed, match="constraints are"):
        checks.check_limits(Spec(spec(memory=256 * 2**20, constraints=["node.role==worker"])))
    assert checks.check_limits(Spec(spec(memory=256 * 2**20, constraints=["node.role == manager"])))
    assert capsys.readouterr().out.startswith("✓ ")
