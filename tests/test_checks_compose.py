"""Tests of workbook.checks.compose (the `docker compose config` ones need no engine)."""

from __future__ import annotations

import pytest

from workbook.checks.compose import check_article_fixed, check_hits_in_redis, check_scaled
from workbook.compose import Project
from workbook.errors import CheckFailed

FIXED = """\
services:
  web:
    build: ./
    ports:
      - "127.0.0.1:5000:5000"
    volumes:
      - ./:/usr/src/app
    command: gunicorn -b :5000 run:app
    environment:
      FLASK_DEBUG: "1"
"""


def write(tmp_path, text):
    path = tmp_path / "docker-compose.yml"
    path.write_text(text)
    return path


def test_fixed_file_passes(tmp_path, capsys):
    assert check_article_fixed(write(tmp_path, FIXED))
    assert capsys.readouterr().out.startswith("✓ ")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("version: '3'\n" + FIXED, "remove `version:`"),
        (FIXED.replace("127.0.0.1:5000:5000", "5000:5000"), "every interface"),
        (FIXED.replace('FLASK_DEBUG: "1"', "FLASK_ENV: development"), "FLASK_ENV was removed"),
        (FIXED.replace("- ./:/usr/src/app", "-./:/usr/src/app"), "rejects"),
        (FIXED.replace("build: ./", "build:./"), "rejects"),
        (FIXED.replace("gunicorn -b :5000 run:app", "python run.py"), "gunicorn"),
    ],
)
def test_article_mistakes_are_named(tmp_path, text, problem):
    with pytest.raises(CheckFailed, match=problem):
        check_article_fixed(write(tmp_path, text))


def test_missing_file_is_named(tmp_path):
    with pytest.raises(CheckFailed, match="does not exist"):
        check_article_fixed(tmp_path / "nope.yml")


def test_hits_must_be_an_int():
    with pytest.raises(CheckFailed, match="should be an int"):
        check_hits_in_redis(Project("wbtest-none"), "35")


def test_scaled_counts_the_containers():
    client = __import__("docker").from_env()
    with pytest.raises(CheckFailed, match="runs no web container"):
        check_scaled(Project("wbtest-none"), client, 1)
