"""install_notebook_errors: a WorkbookError in a cell is shown as one line AND fails the cell.

IPython 9 calls a custom exception handler and discards what it returns, so a handler that
only returns the line would hide the error completely (and nbval would pass the cell).
"""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

import workbook


@pytest.fixture
def shell(monkeypatch):
    shell = InteractiveShell.instance()
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    yield shell
    shell.set_custom_exc((), None)


def test_workbook_error_is_shown_in_one_line_and_fails_the_cell(shell, capsys):
    assert workbook.install_notebook_errors()
    result = shell.run_cell("import workbook\nraise workbook.CheckFailed('the container is not running')")
    out = capsys.readouterr().out
    assert not result.success
    assert "CheckFailed: the container is not running" in out
    assert "Traceback" not in out


def test_other_errors_keep_their_traceback(shell, capsys):
    workbook.install_notebook_errors()
    result = shell.run_cell("raise KeyError('x')")
    assert not result.success
    assert "KeyError" in capsys.readouterr().out


def test_importing_the_package_changes_nothing():
    import subprocess
    import sys

    code = "import os; before = os.environ['PATH']; import workbook; print(os.environ['PATH'] == before)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "True", done.stderr
