"""One run of a notebook at a time on this checkout.

A notebook's first cell removes whatever an earlier run of that notebook left behind: a
second run of the same notebook, started while the first one works, would remove the first
one's containers. The test suite runs notebooks on two workers and, beside them, the
honesty test's runs of each notebook's exercises; both take this lock around a run.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator

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
