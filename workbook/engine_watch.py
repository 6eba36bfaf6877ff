"""Notice, before a cell runs, that the engine stopped or restarted since the notebook's first cell.

A restarted engine stops every container the notebook started (without a restart policy), and
the next cell would fail somewhere inside the SDK with a message about a container that is not
running. Instead, the cell is replaced by one line saying what happened and what to do.

The engine is recognised by its Unix socket: ``dockerd`` creates the socket file anew each time
it starts, so its inode and change time identify one run of the engine. An engine reached over
TCP, or in Docker Desktop's VM behind a socket that outlives it, is not watched.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from workbook.engine import engine_address, unix_socket_path
from workbook.errors import EngineUnavailable
from workbook.kernel import add_transformer

RESTARTED = (
    "The Docker engine at {address} restarted since this notebook's first cell, which stopped its containers: "
    "run the notebook again from the top (Kernel → Restart Kernel and Run All Cells)."
)
STOPPED = (
    "The Docker engine at {address} stopped since this notebook's first cell: start it again (`make setup` "
    "starts the one it installed), then run the notebook from the top."
)


def engine_mark(address: str | None = None) -> tuple[int, int] | None:
    """(inode, change time) of the engine's socket; None when it is gone or not a local Unix socket."""
    path = unix_socket_path(address)
    if path is None:
        return None
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_ino, status.st_ctime_ns


def change_since(mark: tuple[int, int] | None, address: str | None = None) -> str | None:
    """None while the engine seen at the first cell still runs; else the one-line explanation."""
    address = address or engine_address()
    if mark is None or unix_socket_path(address) is None:
        return None
    now = engine_mark(address)
    if now == mark:
        return None
    return (STOPPED if now is None else RESTARTED).format(address=address)


def raise_engine_change(message: str) -> None:
    """What a cell runs instead of its own code once the engine changed."""
    raise EngineUnavailable(message)


def watcher(mark: tuple[int, int] | None, address: str | None = None) -> Callable[[list[str]], list[str]]:
    """An IPython input transformer: the cell unchanged, or a one-line raise when the engine changed.

    ``address`` is the engine's address when the watch began (a cell may point DOCKER_HOST
    elsewhere later). A cell that creates a ``Notebook`` (the first cell) always runs: it
    starts a new watch.
    """
    address = address or engine_address()

    def watch(lines: list[str]) -> list[str]:
        source = "".join(lines)
        if "Notebook(" in source:
            return lines
        message = change_since(mark, address)
        if message is None:
            return lines
        return [f"__import__('workbook.engine_watch').engine_watch.raise_engine_change({message!r})\n"]

    return watch


def install_engine_watch(address: str) -> bool:
    """Watch the engine at ``address`` before every later cell of this IPython kernel (replacing an earlier watch)."""
    return add_transformer(watcher(engine_mark(address), address), "engine-watch")
