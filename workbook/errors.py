"""Expected failures of the workbook: one short message that names the problem and the fix."""

from __future__ import annotations


class WorkbookError(Exception):
    """An expected failure; its message says what went wrong and what to do.

    In a notebook it is shown as a single line, without a traceback (see
    ``workbook.install_notebook_errors``).
    """


class EngineUnavailable(WorkbookError):
    """No Docker engine answers where the client looks for one."""


class CommandFailed(WorkbookError):
    """A shell command the workbook ran exited with a non-zero status."""


class ServiceNotReady(WorkbookError):
    """An HTTP endpoint did not answer in time."""


class ImageUnavailable(WorkbookError):
    """A base image can neither be found, pulled nor built as a substitute."""


class CheckFailed(WorkbookError):
    """An exercise check found the learner's result wrong; the message says why."""
