import subprocess
from pathlib import Path

from workbook import setup


def test_no_engine_with_docker_host_set_stops_quickly_with_one_message(monkeypatch, capsys):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent.sock")
    assert setup.main([]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith("setup: No Docker engine answers at unix:///nonexistent.sock (set by DOCKER_HOST).")
    assert "unset DOCKER_HOST" in err


def test_setup_never_installs_an_engine_when_docker_host_points_elsewhere(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:1")
    assert not setup.can_install_engine()


def test_stop_engine_without_a_recorded_dockerd_does_nothing(monkeypatch, tmp_path):
    monkeypatch.setattr(setup, "DOCKERD_PID", tmp_path / "dockerd.pid")
    assert setup.stop_engine() == "no dockerd was started by setup"


def test_stop_engine_stops_the_recorded_process(monkeypatch, tmp_path):
    # Like the real dockerd, the process is not setup's child: a shell starts it and exits.
    pid = int(subprocess.run(["sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!"], capture_output=True, text=True).stdout)
    pid_file = tmp_path / "dockerd.pid"
    pid_file.write_text(str(pid))
    monkeypatch.setattr(setup, "DOCKERD_PID", pid_file)
    assert setup.stop_engine() == f"stopped dockerd (pid {pid})"
    assert not Path(f"/proc/{pid}").exists()
    assert not pid_file.exists()
