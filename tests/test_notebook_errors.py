"""A WorkbookError in IPython is shown as one line, without a traceback."""

from IPython.core.interactiveshell import InteractiveShell

import workbook


def test_workbook_error_is_one_visible_line(monkeypatch, capsys):
    shell = InteractiveShell.instance()
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    assert workbook.install_notebook_errors()
    result = shell.run_cell("from workbook.errors import CheckFailed\nraise CheckFailed('the port is wrong')")
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert isinstance(result.error_in_exec, workbook.CheckFailed)
    assert "CheckFailed: the port is wrong" in text
    assert "Traceback" not in text
