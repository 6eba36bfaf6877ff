"""The exercise checks of notebooks 05 and 06 pass on right answers and fail on wrong ones."""

from __future__ import annotations

import pytest

from workbook.api_proxy import RecordingProxy
from workbook.checks.client import check_calls, check_context
from workbook.checks.daemon import check_engine_facts, check_exercise_container
from workbook.docker_config import TempDockerConfig, snapshot
from workbook.engine_api import EngineAPI
from workbook.errors import CheckFailed


def test_engine_facts(client, capsys):
    info = client.info()
    assert check_engine_facts(client, info["Driver"], info["DockerRootDir"])
    assert capsys.readouterr().out.startswith("✓ storage driver")
    with pytest.raises(CheckFailed, match="Driver="):
        check_engine_facts(client, "vfs-not-really", info["DockerRootDir"])
    with pytest.raises(CheckFailed, match="should be a string"):
        check_engine_facts(client, None, info["DockerRootDir"])


def test_exercise_container(client, test_labels):
    from workbook.images import resolved

    notebook = test_labels["org.workbook.notebook"]
    with pytest.raises(CheckFailed, match="No container named wbtest-exercise"):
        check_exercise_container(client, notebook, name="wbtest-exercise")
    client.containers.create(resolved("python"), ["true"], name="wbtest-exercise", labels=test_labels)
    with pytest.raises(CheckFailed, match="GREETING=hello"):
        check_exercise_container(client, notebook, name="wbtest-exercise")
    client.containers.get("wbtest-exercise").remove(force=True)
    client.containers.run(
        resolved("python"),
        ["python", "-c", "import os; print(os.environ['GREETING'])"],
        environment=["GREETING=hello"],
        name="wbtest-exercise",
        labels=test_labels,
        detach=True,
    )
    assert check_exercise_container(client, notebook, name="wbtest-exercise")


def test_context_check():
    home_before = snapshot()
    with TempDockerConfig() as cfg:
        with pytest.raises(CheckFailed, match="No context wbtest-ctx"):
            check_context(cfg, home_before, name="wbtest-ctx")
        import os
        import subprocess

        from workbook.engine import engine_address

        subprocess.run(
            ["docker", "context", "create", "wbtest-ctx", "--docker", f"host={engine_address()}"],
            env={**os.environ, **cfg.env},
            check=True,
            capture_output=True,
        )
        assert check_context(cfg, home_before, name="wbtest-ctx")


def test_calls_check():
    with RecordingProxy() as proxy:
        with pytest.raises(CheckFailed, match="non-empty list"):
            check_calls(proxy, [])
        with pytest.raises(CheckFailed, match="never went through the proxy"):
            check_calls(proxy, ["GET /v1.41/containers/json"])
        EngineAPI(socket_path=proxy.socket_path).get("/containers/json")
        assert check_calls(proxy, proxy.take())
        EngineAPI(socket_path=proxy.socket_path).get("/info")
        with pytest.raises(CheckFailed, match="No GET /containers/json"):
            check_calls(proxy, proxy.take())
