"""Checks of notebook 02: the Dockerfile parser, the Dockerfile check, the .dockerignore check."""

import pytest

from workbook.checks.dockerfile import check_dockerfile, check_dockerignore, exec_form, instructions
from workbook.cleanup import remove_labelled
from workbook.engine import connect
from workbook.errors import CheckFailed

GOOD = """\
# a comment
FROM python:3.12-slim
WORKDIR /usr/src/app
RUN useradd --uid 10001 --no-create-home \\
    --shell /usr/sbin/nologin appuser
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 10001
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "run:app"]
"""


def test_instructions_join_continuations_and_skip_comments():
    steps = instructions(GOOD)
    assert [keyword for keyword, _ in steps] == ["FROM", "WORKDIR", "RUN", "COPY", "RUN", "COPY", "USER", "CMD"]
    assert steps[2][1] == "useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin appuser"


def test_exec_form():
    assert exec_form('["python", "run.py"]') == ["python", "run.py"]
    assert exec_form("python run.py") is None
    assert exec_form('{"a": 1}') is None


def test_good_dockerfile_passes(tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text(GOOD)
    assert check_dockerfile(tmp_path / "Dockerfile")
    assert capsys.readouterr().out.startswith("✓ ")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("USER 10001\n", ""), "No USER"),
        (("USER 10001", "USER root"), "hadolint|root"),
        (("USER 10001", "USER appuser"), "DL3066"),
        (('CMD ["gunicorn", "--bind", "0.0.0.0:5000", "run:app"]', "CMD gunicorn run:app"), "DL3025|shell form"),
        (('CMD ["gunicorn", "--bind", "0.0.0.0:5000", "run:app"]', 'CMD ["python", "./run.py"]'), "gunicorn"),
        (("COPY . .", "COPY.."), "hadolint"),
    ],
)
def test_each_problem_is_named(tmp_path, change, problem):
    (tmp_path / "Dockerfile").write_text(GOOD.replace(*change))
    with pytest.raises(CheckFailed, match=problem):
        check_dockerfile(tmp_path / "Dockerfile")


def test_missing_file(tmp_path):
    with pytest.raises(CheckFailed, match="write your Dockerfile"):
        check_dockerfile(tmp_path / "Dockerfile")


NAME = "test-checks-dockerfile"
LABELS = {"org.workbook.notebook": NAME}


@pytest.fixture
def context(tmp_path):
    (tmp_path / "run.py").write_text("x = 1\n")
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "secrets.env").write_text("T=1\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("a\n")
    yield tmp_path
    remove_labelled(connect(), NAME)


def test_dockerignore_check_passes_and_fails_for_real(context):
    client = connect()
    with pytest.raises(CheckFailed, match="no .dockerignore"):
        check_dockerignore(client, context, LABELS, excluded=["secrets.env"])
    (context / ".dockerignore").write_text("secrets.env\n")
    with pytest.raises(CheckFailed, match="notes/"):
        check_dockerignore(client, context, LABELS, excluded=["secrets.env", "notes/"])
    (context / ".dockerignore").write_text("*\n")
    with pytest.raises(CheckFailed, match="too broad"):
        check_dockerignore(client, context, LABELS, excluded=["secrets.env"])
    (context / ".dockerignore").write_text("secrets.env\nnotes\n")
    assert check_dockerignore(client, context, LABELS, excluded=["secrets.env", "notes/"])
