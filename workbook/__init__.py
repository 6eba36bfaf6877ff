"""Helpers for the "Ship a Flask service with Docker" workbook.

Notebook cells stay short and read like the commands a learner types; the plumbing
(engine preflight, image resolution, ports, waiting for HTTP, cleanup, stable CLI
output, exercise checks) lives here, with unit tests in ``tests/``.

Importing the package changes nothing and loads no third-party library: ``Notebook``
(and what it installs in IPython) is imported on first use. See README.md, "How the
workbook is built", for the modules and their jobs.
"""

from __future__ import annotations

import importlib

from workbook.errors import (
    CheckFailed,
    CommandFailed,
    EngineUnavailable,
    ImageUnavailable,
    ServiceNotReady,
    WorkbookError,
)
from workbook.layout import LABEL, ROOT, STATE_DIR

_LAZY = {
    "Notebook": "workbook.notebook",
    "install_notebook_errors": "workbook.notebook",
    "put_venv_on_path": "workbook.notebook",
}


def __getattr__(name: str) -> object:
    """``workbook.Notebook`` and friends, imported on first use (PEP 562)."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'workbook' has no attribute {name!r}")


__all__ = [
    "LABEL",
    "ROOT",
    "STATE_DIR",
    "CheckFailed",
    "CommandFailed",
    "EngineUnavailable",
    "ImageUnavailable",
    "Notebook",
    "ServiceNotReady",
    "WorkbookError",
    "install_notebook_errors",
    "put_venv_on_path",
]
