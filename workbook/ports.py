"""Host ports: prefer the article's port, fall back to a free one and say so.

``WORKBOOK_PORT_OFFSET`` shifts every preferred port (5000 becomes 15000 with an offset of
10000): several runs on one host, each with its own offset, then do not race for the
same ports. The parallel test run gives each of its workers one; ``WORKBOOK_USER`` gives
each student one derived from their name (``workbook.owner``).
"""

from __future__ import annotations

import os
import socket

from workbook.errors import WorkbookError
from workbook.owner import user_port_offset, workbook_user

LOOPBACK = "127.0.0.1"
PORT_OFFSET_VARIABLE = "WORKBOOK_PORT_OFFSET"
MAX_PORT_OFFSET = 50000


def port_offset() -> int:
    """The whole number in ``WORKBOOK_PORT_OFFSET``; when unset, the offset of ``WORKBOOK_USER`` (or 0)."""
    raw = os.environ.get(PORT_OFFSET_VARIABLE, "").strip()
    if not raw:
        user = workbook_user()
        return user_port_offset(user) if user else 0
    if not raw.isdigit() or int(raw) > MAX_PORT_OFFSET:
        raise WorkbookError(
            f"{PORT_OFFSET_VARIABLE}={raw!r} is not a whole number from 0 to {MAX_PORT_OFFSET}; "
            f"set it to e.g. 10000, or unset it to use the article's ports."
        )
    return int(raw)


def shifted(port: int) -> tuple[int, str]:
    """``port`` plus the offset, and how to name it: ``"5000"`` or ``"15000 (5000 + WORKBOOK_PORT_OFFSET)"``."""
    offset = port_offset()
    if not offset:
        return port, str(port)
    return port + offset, f"{port + offset} ({port} + {PORT_OFFSET_VARIABLE})"


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
    preferred, named = shifted(preferred)
    if port_is_free(preferred, host):
        port = preferred
        message = f"Port {named} is free: using {host}:{port}."
    else:
        port = any_free_port(host)
        message = f"Port {named} is taken on {host} (another program listens there): using {host}:{port} instead."
    if announce:
        print(message)
    return port


def free_port_range(preferred: int = 5000, count: int = 3, host: str = LOOPBACK, announce: bool = True) -> str:
    """``"FIRST-LAST"``: ``count`` consecutive free ports on ``host``, from ``preferred`` when possible.

    A range in ``ports:`` lets each replica of a scaled service take its own host port.
    With ``announce`` it prints which ports and why, like ``Notebook.port``.
    """
    first, _ = shifted(preferred)
    named = f"{first}-{first + count - 1}"
    if first != preferred:
        named += f" ({preferred}-{preferred + count - 1} + {PORT_OFFSET_VARIABLE})"
    if all(port_is_free(p, host) for p in range(first, first + count)):
        message = f"Ports {named} are free: using {host}:{first}-{first + count - 1}."
    else:
        for _ in range(100):
            first = any_free_port(host)
            if first + count <= 65536 and all(port_is_free(p, host) for p in range(first, first + count)):
                break
        else:
            raise WorkbookError(f"Found no {count} consecutive free ports on {host}; stop some servers and retry.")
        message = f"Ports {named} are partly taken on {host}: using {host}:{first}-{first + count - 1} instead."
    if announce:
        print(message)
    return f"{first}-{first + count - 1}"
