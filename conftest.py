"""What the notebook kernels of a test run inherit from it.

pytest-xdist workers are like students sharing one engine: each gets its own host ports.
`make test` runs two workers. Worker ``gwN`` (N > 0) sets WORKBOOK_PORT_OFFSET to
N × 10000 before any notebook kernel starts (the kernels inherit it), so two notebooks that
both prefer port 5000 never race for it.

PYTEST_ADDOPTS (CI's ``--junitxml=…``) is for this run only: pytest has read it by now, and a
notebook's own ``!python -m pytest`` must run as it does for a learner.
"""

import os

from workbook.ports import PORT_OFFSET_VARIABLE

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and _worker[2:].isdigit() and int(_worker[2:]) > 0:
    os.environ.setdefault(PORT_OFFSET_VARIABLE, str(10000 * int(_worker[2:])))

os.environ.pop("PYTEST_ADDOPTS", None)
