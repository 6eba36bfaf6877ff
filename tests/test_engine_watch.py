import socket

from workbook.engine_watch import change_since, engine_mark, watcher


def listening_socket(path):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen()
    return server


def test_the_same_engine_is_no_change(tmp_path):
    address = f"unix://{tmp_path / 'docker.sock'}"
    with listening_socket(tmp_path / "docker.sock"):
        mark = engine_mark(address)
        assert mark is not None and change_since(mark, address) is None


def test_a_new_socket_means_a_restarted_engine_and_no_socket_a_stopped_one(tmp_path):
    path = tmp_path / "docker.sock"
    address = f"unix://{path}"
    with listening_socket(path):
        mark = engine_mark(address)
    path.unlink()  # dockerd removes its socket when it stops ...
    assert "stopped since this notebook's first cell" in change_since(mark, address)
    keep_inode_busy = tmp_path / "other"  # ... and creates a new one when it starts
    keep_inode_busy.write_text("")
    with listening_socket(path):
        message = change_since(mark, address)
    assert "restarted since this notebook's first cell" in message and "\n" not in message
    assert "Run All Cells" in message


def test_an_engine_over_tcp_is_not_watched():
    assert engine_mark("tcp://127.0.0.1:2375") is None
    assert change_since(None, "tcp://127.0.0.1:2375") is None


def test_the_watch_replaces_a_cell_but_never_the_first_one(tmp_path, monkeypatch):
    path = tmp_path / "docker.sock"
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    with listening_socket(path):
        watch = watcher(engine_mark())
        assert watch(["print(1)\n"]) == ["print(1)\n"]
    path.unlink()
    replaced = watch(["print(1)\n"])
    assert len(replaced) == 1 and "raise_engine_change" in replaced[0]
    first = ['nb = workbook.Notebook("04-container")\n']
    assert watch(first) == first
