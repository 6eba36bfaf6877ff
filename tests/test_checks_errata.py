"""Tests of workbook.checks.errata (notebook 12's exercises): against the real docker CLI and BuildKit."""

from __future__ import annotations

import pytest

from workbook.checks.errata import BROKEN_COMPOSE, check_compose_repaired, check_copy_lines
from workbook.errors import CheckFailed

REPAIRED = """\
services:
  web:
    build: .
    ports:
      - "127.0.0.1:8000:5000"
    environment:
      FLASK_DEBUG: "1"
      REDIS_HOST: redis
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_repaired_compose_passes(tmp_path, capsys):
    assert check_compose_repaired(write(tmp_path, "compose.yaml", REPAIRED))
    assert capsys.readouterr().out.startswith("✓ ")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (BROKEN_COMPOSE, "rejects"),
        (BROKEN_COMPOSE.replace("REDIS_HOST:redis", "REDIS_HOST: redis"), "rejects"),
        ('version: "3.8"\n' + REPAIRED, "version"),
        (REPAIRED.replace('FLASK_DEBUG: "1"', "FLASK_ENV: development"), "FLASK_ENV"),
        (REPAIRED.replace('      FLASK_DEBUG: "1"\n', ""), "FLASK_DEBUG"),
        (REPAIRED.replace("127.0.0.1:8000:5000", "8000:5000"), "same port|one port"),
        (REPAIRED.replace("REDIS_HOST: redis", "REDIS_HOST: localhost"), "REDIS_HOST"),
    ],
)
def test_half_repaired_compose_fails(tmp_path, text, problem):
    with pytest.raises(CheckFailed, match=problem):
        check_compose_repaired(write(tmp_path, "compose.yaml", text))


def test_missing_compose_file_fails(tmp_path):
    with pytest.raises(CheckFailed, match="does not exist"):
        check_compose_repaired(tmp_path / "fixed" / "compose.yaml")


def test_copy_lines_pass(tmp_path, capsys):
    assert check_copy_lines(write(tmp_path, "copy-lines.Dockerfile", "COPY requirements.txt .\nCOPY . .\n"))
    assert "requirements.txt and run.py" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "exactly two COPY lines"),
        ("COPY requirements.txt.\nCOPY..\n", "rejects"),
        ("RUN true\nCOPY . .\n", "exactly two COPY lines"),
        ("COPY requirements.txt.\nCOPY . .\n", "rejects"),
        ("COPY requirements.txt /tmp/\nCOPY run.py /tmp/\n", "should hold requirements.txt and run.py"),
    ],
)
def test_wrong_copy_lines_fail(tmp_path, text, problem):
    with pytest.raises(CheckFailed, match=problem):
        check_copy_lines(write(tmp_path, "copy-lines.Dockerfile", text))


def test_missing_copy_lines_file_fails(tmp_path):
    with pytest.raises(CheckFailed, match="does not exist"):
        check_copy_lines(tmp_path / "copy-lines.Dockerfile")
