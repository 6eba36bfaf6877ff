import os

import pytest

from workbook import labport, ownership, setup
from workbook.errors import EngineUnavailable
from workbook.ports import LOOPBACK, any_free_port

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")


def test_no_sudo_owner_without_sudo_variables(monkeypatch):
    assert ownership.sudo_owner({}) is None
    assert ownership.sudo_owner({"SUDO_UID": "0", "SUDO_GID": "0"}) is None


@needs_root
def test_sudo_owner_is_read_from_the_sudo_variables():
    assert ownership.sudo_owner({"SUDO_UID": "1000", "SUDO_GID": "1001"}) == (1000, 1001)


@needs_root
def test_give_back_changes_every_file_but_never_follows_a_symlink(tmp_path):
    outside = tmp_path / "shared-venv"
    outside.mkdir()
    (outside / "python").write_text("")
    venv = tmp_path / ".venv"
    venv.symlink_to(outside)
    state = tmp_path / ".workbook"
    (state / "logs").mkdir(parents=True)
    (state / "logs" / "a.log").write_text("x")
    env_file = tmp_path / ".env"
    env_file.write_text("A=1\n")
    changed = ownership.give_back((4321, 4321), [venv, state, env_file, tmp_path / "missing"])
    assert changed == 5  # the link itself, .workbook, logs, a.log, .env
    assert (state / "logs" / "a.log").stat().st_uid == 4321 and env_file.stat().st_uid == 4321
    assert venv.lstat().st_uid == 4321 and (outside / "python").stat().st_uid == 0
    assert ownership.give_back((4321, 4321), [venv, state, env_file]) == 0


def test_unwritable_names_the_files_and_the_fix(tmp_path, monkeypatch):
    state = tmp_path / ".workbook"
    state.mkdir()
    (state / "engine-before.json").write_text("{}")
    monkeypatch.setattr(ownership, "ROOT", tmp_path)
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as if root owned them
    locked = ownership.unwritable([state])
    assert locked == [state, state / "engine-before.json"]
    hint = ownership.fix_hint(locked + [tmp_path / "compose" / ".env"], [state, tmp_path / "compose" / ".env"])
    assert hint.count("\n") == 0 and "sudo make setup" in hint
    assert "`sudo chown -R $(id -u):$(id -g) .workbook compose/.env` once" in hint


def test_setup_refuses_in_one_line_when_its_files_belong_to_root(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(ownership, "unwritable", lambda: [ownership.ROOT / ".workbook"])
    assert setup.main([]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("setup: .workbook belong to another user")


def test_setup_as_a_user_outside_the_docker_group_says_permission_denied(monkeypatch):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setattr(setup, "running_engine", lambda: None)
    monkeypatch.setattr(setup, "can_install_engine", lambda: False)

    def denied(timeout: int = 30):
        raise EngineUnavailable("Permission denied on the Docker socket (unix:///var/run/docker.sock). Add …")

    monkeypatch.setattr(setup, "connect", denied)
    with pytest.raises(EngineUnavailable, match="Permission denied"):
        setup.ensure_engine()


def test_lab_port_is_the_preferred_one_when_free():
    free = any_free_port()
    port, line = labport.lab_port(free)
    assert port == free and f"http://{LOOPBACK}:{free}/" in line


def test_lab_port_moves_and_says_which_url_to_open_when_taken():
    import socket

    with socket.socket() as holder:
        holder.bind((LOOPBACK, 0))
        holder.listen()
        taken = holder.getsockname()[1]
        port, line = labport.lab_port(taken)
    assert port != taken
    assert line.count("\n") == 0 and f"port {taken} is taken" in line and f"http://{LOOPBACK}:{port}/" in line
