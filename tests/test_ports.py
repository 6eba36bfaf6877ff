import socket

import pytest

from workbook.errors import WorkbookError
from workbook.ports import PORT_OFFSET_VARIABLE, any_free_port, choose_port, port_is_free, shifted


@pytest.fixture(autouse=True)
def no_offset(monkeypatch):
    """The parallel test run gives its workers an offset: these tests set their own."""
    monkeypatch.delenv(PORT_OFFSET_VARIABLE, raising=False)


def listening_socket(port: int = 0) -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", port))
    server.listen()
    return server


def test_a_listening_port_is_taken_and_a_closed_one_free():
    server = listening_socket()
    port = server.getsockname()[1]
    assert not port_is_free(port)
    server.close()
    assert port_is_free(port)


def test_choose_port_keeps_the_preferred_port_when_free(capsys):
    port = any_free_port()
    assert choose_port(port) == port
    assert capsys.readouterr().out == f"Port {port} is free: using 127.0.0.1:{port}.\n"


def test_choose_port_falls_back_and_says_so(capsys):
    server = listening_socket()
    taken = server.getsockname()[1]
    try:
        port = choose_port(taken)
    finally:
        server.close()
    assert port != taken
    out = capsys.readouterr().out
    assert f"Port {taken} is taken on 127.0.0.1" in out
    assert f"using 127.0.0.1:{port} instead." in out


def test_a_listener_on_all_interfaces_counts_as_taken():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("0.0.0.0", 0))
    server.listen()
    try:
        assert not port_is_free(server.getsockname()[1])
    finally:
        server.close()


def test_an_offset_shifts_the_preferred_port_and_says_so(monkeypatch, capsys):
    base = any_free_port() - 7
    monkeypatch.setenv(PORT_OFFSET_VARIABLE, "7")
    assert shifted(5000) == (5007, f"5007 (5000 + {PORT_OFFSET_VARIABLE})")
    port = choose_port(base)
    out = capsys.readouterr().out
    assert f"({base} + {PORT_OFFSET_VARIABLE})" in out and port != base


@pytest.mark.parametrize("value", ["ten", "-5", "90000"])
def test_a_bad_offset_names_the_variable(monkeypatch, value):
    monkeypatch.setenv(PORT_OFFSET_VARIABLE, value)
    with pytest.raises(WorkbookError, match=PORT_OFFSET_VARIABLE):
        shifted(5000)
