"""What the notebook kernels of a test run inherit from it.

pytest-xdist workers are like students sharing one engine: each gets its own host ports.
`make test` runs two workers. Worker ``gwN`` (N > 0) sets WORKBOOK_PORT_OFFSET to
N × 10000 before any notebook kernel starts (the kernels inherit it), so two notebooks that
both prefer port 5000 never race for it.

A notebook's cells hold its run lock (``workbook.runlock``) from its first cell to its last,
so that the honesty test's run of the same notebook's exercises waits for it.

PYTEST_ADDOPTS (CI's ``--junitxml=…``) is for this run only: pytest has read it by now, and a
notebook's own ``!python -m pytest`` must run as it does for a learner.
"""

import contextlib
import os

from workbook.ports import PORT_OFFSET_VARIABLE
from workbook.runlock import notebook_lock

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and _worker[2:].isdigit() and int(_worker[2:]) > 0:
    os.environ.setdefault(PORT_OFFSET_VARIABLE, str(10000 * int(_worker[2:])))

os.environ.pop("PYTEST_ADDOPTS", None)

_held: dict[str, contextlib.ExitStack] = {}


def pytest_runtest_setup(item):  # noqa: ANN001, ANN201 - pytest's hook
    """Take a notebook's run lock before its first cell."""
    if item.path.suffix == ".ipynb" and item.path.stem not in _held:
        stack = contextlib.ExitStack()
        stack.enter_context(notebook_lock(item.path.stem))
        _held[item.path.stem] = stack


def pytest_runtest_teardown(item, nextitem):  # noqa: ANN001, ANN201 - pytest's hook
    """Give the lock back after the notebook's last cell."""
    if item.path.stem in _held and (nextitem is None or nextitem.path != item.path):
        _held.pop(item.path.stem).close()


def pytest_collection_modifyitems(config, items):  # noqa: ANN001, ANN201 - pytest's hook
    """When the shared-host test runs, it runs notebooks 04 and 08 itself: deselect their plain items."""
    from tests.test_shared_host import SHARED_NOTEBOOKS

    if not any(item.nodeid.startswith("tests/test_shared_host.py") for item in items):
        return
    twice = [item for item in items if item.path.suffix == ".ipynb" and item.path.stem in SHARED_NOTEBOOKS]
    if twice:
        config.hook.pytest_deselected(items=twice)
        items[:] = [item for item in items if item not in twice]
