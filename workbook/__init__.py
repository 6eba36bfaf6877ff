"""Helpers for the "Ship a Flask service with Docker" workbook.

Notebook cells stay short and read like the commands a learner types; the plumbing
(engine preflight, image resolution, ports, waiting for HTTP, cleanup, stable CLI
output, exercise checks) lives here, with unit tests in ``tests/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from workbook.errors import (
    CheckFailed,
    CommandFailed,
    EngineUnavailable,
    ImageUnavailable,
    ServiceNotReady,
    WorkbookError,
)

ROOT = Path(__file__).resolve().parent.parent
"""The repository's top folder (app/, docker/, compose/ and notebooks/ live below it)."""

LABEL = "org.workbook.notebook"
"""Every container, network, volume and image a notebook makes carries this label."""


def put_venv_on_path() -> None:
    """Let ``!hadolint`` and friends resolve to the virtualenv's tools in a notebook."""
    venv_bin = str(Path(sys.prefix) / "bin")
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if venv_bin not in parts:
        os.environ["PATH"] = os.pathsep.join([venv_bin, *parts])


def install_notebook_errors() -> bool:
    """Show a ``WorkbookError`` in IPython as one line instead of a traceback.

    Returns True when an IPython shell was found and the handler installed.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def one_line(shell, etype, value, tb, tb_offset=None):  # noqa: ANN001 - IPython's signature
        stb = [f"{etype.__name__}: {value}"]
        # IPython 9 calls the handler and discards what it returns: the handler must show the
        # error itself (as an `error` output, which is also what makes nbval see the cell fail).
        shell._showtraceback(etype, value, stb)
        return stb

    shell.set_custom_exc((WorkbookError,), one_line)
    return True


from workbook.notebook import Notebook  # noqa: E402  (needs LABEL and ROOT above)

__all__ = [
    "LABEL",
    "ROOT",
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
