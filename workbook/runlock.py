"""One run of a notebook at a time on this checkout; one legacy build at a time on this host.

A notebook's first cell removes whatever an earlier run of that notebook left behind: a
second run of the same notebook, started while the first one works, would remove the first
one's containers. The test suite runs notebooks on two workers and, beside them, the
honesty test's runs of each notebook's exercises; both take this lock around a run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from workbook.layout import STATE_DIR

LOCK_DIR = STATE_DIR / "locks"


@contextlib.contextmanager
def notebook_lock(stem: str) -> Iterator[None]:
    """Hold the lock of notebook ``stem`` (``04-container``) for the ``with`` block; waits for it."""
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    with (LOCK_DIR / f"{stem}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def host_lock(name: str) -> Iterator[None]:
    """Hold a lock shared by every checkout and user on this host (a file in the system temp dir).

    The file is made readable by all: another user opens it read-only, which is enough for
    ``flock``. Where that user cannot open it at all (an older file, mode 0600), the block
    runs without the lock.
    """
    path = Path(tempfile.gettempdir()) / f"workbook-{name}.lock"
    try:
        handle = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    except PermissionError:
        yield
        return
    try:
        with contextlib.suppress(PermissionError):
            os.fchmod(handle, 0o644)
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock
