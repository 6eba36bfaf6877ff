"""hadolint findings as data: the article's file, a spaced variant, a named USER, errors."""

from pathlib import Path

import pytest

from workbook import hadolint
from workbook.errors import WorkbookError
from workbook.hadolint import Finding, LinterMissing, codes, lint

ARTICLE = "FROM python:3.7\n\nWORKDIR /usr/src/app\n\nCOPY requirements.txt.\n\nRUN pip install -r r.txt\n\nCOPY..\n"


def test_parse_error_is_dl1000_on_its_line(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(ARTICLE)
    findings = lint(dockerfile)
    assert codes(findings) == ["DL1000"]
    assert findings[0].line == 5 and findings[0].level == "error"


def test_clean_file_has_no_findings(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text('FROM python:3.12-slim\nWORKDIR /app\nCOPY run.py .\nUSER 10001\nCMD ["python", "run.py"]\n')
    assert lint(dockerfile) == []


def test_named_user_and_shell_form_cmd_are_found_in_file_order(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.12-slim\nUSER appuser\nCMD python run.py\n")
    assert codes(lint(dockerfile)) == ["DL3066", "DL3025"]


def test_the_workbook_dockerfile_is_clean():
    assert lint(Path(__file__).resolve().parent.parent / "docker" / "Dockerfile") == []


def test_missing_file_names_the_fix(tmp_path):
    with pytest.raises(WorkbookError, match="write it first"):
        lint(tmp_path / "nothing")


def test_missing_linter_says_how_to_install(tmp_path, monkeypatch):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM scratch\n")
    monkeypatch.setattr(hadolint.shutil, "which", lambda name, path=None: None)
    with pytest.raises(LinterMissing, match="make setup"):
        lint(dockerfile)


def test_finding_reads_as_one_line():
    assert str(Finding("DL3025", "warning", 3, "Use JSON")) == "line 3: DL3025 warning: Use JSON"
