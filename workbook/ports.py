"""Host ports: prefer the article's port, fall back to a free one and say so."""

from __future__ import annotations

import socket

from workbook.errors import WorkbookError

LOOPBACK = "127.0.0.1"


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """True when nothing listens on host:port (a listener on 0.0.0.0 counts as taken)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def any_free_port(host: str = LOOPBACK) -> int:
    """A port the kernel considers free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def choose_port(preferred: int = 5000, host: str = LOOPBACK, announce: bool = True) -> int:
    """Return ``preferred`` when it is free on ``host``, else another free port.

    With ``announce`` it prints one line saying which port is used and why, so a
    learner whose port 5000 is taken (macOS AirPlay takes it) knows what happened.
    """
    if port_is_free(preferred, host):
        port = preferred
        message = f"Port {preferred} is free: using {host}:{port}."
    else:
        port = any_free_port(host)
        message = f"Port {preferred} is taken on {host} (another program listens there): using {host}:{port} instead."
    if announce:
        print(message)
    return port


def free_port_range(preferred: int = 5000, count: int = 3, host: str = LOOPBACK, announce: bool = True) -> str:
    """``"FIRST-LAST"``: ``count`` consecutive free ports on ``host``, from ``preferred`` when possible.

    A range in ``ports:`` lets each replica of a scaled service take its own host port.
    With ``announce`` it prints which ports and why, like ``Notebook.port``.
    """
    first = preferred
    if all(port_is_free(p, host) for p in range(first, first + count)):
        message = f"Ports {preferred}-{preferred + count - 1} are free: using {host}:{first}-{first + count - 1}."
    else:
        for _ in range(100):
            first = any_free_port(host)
            if first + count <= 65536 and all(port_is_free(p, host) for p in range(first, first + count)):
                break
        else:
            raise WorkbookError(f"Found no {count} consecutive free ports on {host}; stop some servers and retry.")
        message = (
            f"Ports {preferred}-{preferred + count - 1} are partly taken on {host}: "
            f"using {host}:{first}-{first + count - 1} instead."
        )
    if announce:
        print(message)
    return f"{first}-{first + count - 1}"
