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
