"""workbook.docker_config: a throwaway DOCKER_CONFIG, and proof that ~/.docker is left alone.

What these tests prove: used the way notebook 06 uses them (a TempDockerConfig, every docker
command given ``cfg.env``), the helpers and the docker CLI write only inside the temporary
folder — nothing under a (fake) home folder, and nothing in the real ~/.docker's client state.
They do not prove that every notebook cell passes ``cfg.env``; notebook 06's last cell checks
that separately by comparing snapshots of ~/.docker taken at its start and end.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from workbook import cleanup
from workbook.docker_config import TempDockerConfig, UnsafeConfigPath, home_docker_dir, snapshot

REAL_HOME_DOCKER = Path.home() / ".docker"  # taken at import, before any test fakes $HOME


@pytest.fixture
def fake_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert Path.home() == home
    return home


def test_temp_config_is_outside_home_and_removed(fake_home):
    with TempDockerConfig() as cfg:
        assert fake_home not in cfg.path.parents
        assert cfg.env == {"DOCKER_CONFIG": str(cfg.path)}
        cfg.write({"auths": {}})
        assert cfg.read() == {"auths": {}} and cfg.files() == ["config.json"]
        path = cfg.path
    assert not path.exists()


def test_refuses_a_folder_under_home(fake_home):
    with pytest.raises(UnsafeConfigPath):
        TempDockerConfig(base=fake_home)
    with pytest.raises(UnsafeConfigPath):
        TempDockerConfig(base=fake_home / "sub")


def test_cli_context_commands_write_only_in_the_temp_config(fake_home):
    """The notebook's context commands, run for real with cfg.env: nothing lands in $HOME."""
    real_before = snapshot(REAL_HOME_DOCKER)
    with TempDockerConfig() as cfg:
        env = {**os.environ, **cfg.env}
        for args in (
            ["docker", "context", "create", "wbtest-ctx", "--docker", "host=unix:///var/run/docker.sock"],
            ["docker", "context", "use", "wbtest-ctx"],
            ["docker", "context", "use", "default"],
            ["docker", "context", "rm", "wbtest-ctx"],
        ):
            assert subprocess.run(args, env=env, capture_output=True).returncode == 0, args
        assert "config.json" in cfg.files()
    assert list(fake_home.rglob("*")) == []
    assert snapshot(REAL_HOME_DOCKER) == real_before


def test_snapshot_sees_changes_in_client_state_only(tmp_path):
    folder = tmp_path / "docker"
    assert snapshot(folder) == {}
    (folder / "contexts" / "meta").mkdir(parents=True)
    (folder / "buildx").mkdir()
    (folder / "config.json").write_text("{}")
    before = snapshot(folder)
    (folder / "buildx" / "activity").write_text("someone else's build")
    assert snapshot(folder) == before
    assert "buildx/activity" in snapshot(folder, include=None)
    (folder / "contexts" / "meta" / "meta.json").write_text("{}")
    assert snapshot(folder) != before


def test_home_docker_dir(fake_home):
    assert home_docker_dir() == fake_home / ".docker"


def test_tracked_paths_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(cleanup, "PATHS_DIR", tmp_path / "records")
    folder = tmp_path / "made" / "certs.d-entry"
    folder.mkdir(parents=True)
    (folder / "ca.crt").write_text("x")
    file = tmp_path / "made" / "file.txt"
    file.write_text("y")
    cleanup.track_path("nbtest", folder)
    cleanup.track_path("nbtest", file)
    cleanup.track_path("nbtest", tmp_path / "never-created")
    assert cleanup.remove_tracked_paths("nbtest") == 2
    assert not folder.exists() and not file.exists()
    assert cleanup.remove_tracked_paths("nbtest") == 0


def test_temp_docker_config_sets_and_restores_env(tmp_path, monkeypatch):
    monkeypatch.setattr(cleanup, "PATHS_DIR", tmp_path / "records")
    monkeypatch.setenv("DOCKER_CONFIG", "/somewhere/else")
    with TempDockerConfig("nbtest") as cfg:
        assert os.environ["DOCKER_CONFIG"] == str(cfg.path)
        assert cfg.read() == {} and cfg.stored_credentials("r:1") is None
        cfg.config_file.write_text(json.dumps({"auths": {"r:1": {"auth": "dXNlcjpwOnc="}}}))
        assert cfg.stored_credentials("r:1") == ("user", "p:w")
        assert cfg.env == {"DOCKER_CONFIG": str(cfg.path)}
    assert os.environ["DOCKER_CONFIG"] == "/somewhere/else"
    assert not cfg.path.exists()


def test_temp_docker_config_without_with_leaves_env_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(cleanup, "PATHS_DIR", tmp_path / "records")
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    cfg = TempDockerConfig("nbtest")
    assert "DOCKER_CONFIG" not in os.environ and cfg.path.is_dir()
    cfg.close()
    assert not cfg.path.exists() and "DOCKER_CONFIG" not in os.environ
