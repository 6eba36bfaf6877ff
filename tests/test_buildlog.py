"""Build logs: steps, cache hits and timings, from text and from a real (tiny) build."""

import pytest

from workbook.build import BuildFailed
from workbook.buildlog import cli_build, parse_steps, summary_lines, timed_build
from workbook.cleanup import remove_labelled
from workbook.engine import connect
from workbook.errors import CommandFailed

NAME = "test-buildlog"
LABELS = {"org.workbook.notebook": NAME}

LOG = """Sending build context to Docker daemon  3.072kB
Step 1/3 : FROM base
 ---> 0f86db32899b
Step 2/3 : COPY a.txt /
 ---> Using cache
 ---> 1234567890ab
Step 3/3 : RUN pip install x
 ---> Running in 6a7e90b3e5a1
Successfully installed x-1.0
Successfully built 94657db0f3ef
Successfully tagged t:latest
"""


def test_parse_steps_marks_cached_ones():
    steps = parse_steps(LOG)
    assert [(s.number, s.keyword, s.cached) for s in steps] == [
        (1, "FROM", False),
        (2, "COPY", True),
        (3, "RUN", False),
    ]


def test_summary_keeps_steps_and_verdict_not_pip_lines():
    assert summary_lines(LOG) == [
        "Step 1/3 : FROM base",
        "Step 2/3 : COPY a.txt /",
        "Step 3/3 : RUN pip install x",
        "Successfully built 94657db0f3ef",
        "Successfully tagged t:latest",
    ]


@pytest.fixture
def client():
    engine = connect()
    remove_labelled(engine, NAME)
    yield engine
    remove_labelled(engine, NAME)


def test_timed_build_sees_the_cache_on_a_rebuild(client, tmp_path):
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY a.txt /\n")
    first = timed_build(client, tmp_path, "wb-test-buildlog:1", labels=LABELS, nocache=True)
    again = timed_build(client, tmp_path, "wb-test-buildlog:2", labels=LABELS)
    assert first.cached_steps == 0 and not first.step("COPY").cached
    assert again.step("COPY a.txt").cached
    assert again.image.id == first.image.id
    assert (
        all(step.seconds >= 0 for step in first.steps) and first.seconds >= sum(s.seconds for s in first.steps) - 1e-6
    )
    with pytest.raises(KeyError):
        first.step("RUN")


def test_timed_build_raises_with_the_builders_words(client, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY missing.txt /\n")
    with pytest.raises(BuildFailed, match="missing.txt"):
        timed_build(client, tmp_path, "wb-test-buildlog:broken", labels=LABELS)


def test_timed_build_with_a_dockerfile_outside_the_context(client, tmp_path):
    context = tmp_path / "context"
    context.mkdir()
    (context / "a.txt").write_text("a\n")
    outside = tmp_path / "Other.Dockerfile"
    outside.write_text("FROM scratch\nCOPY a.txt /b.txt\n")
    build = timed_build(client, context, "wb-test-buildlog:outside", dockerfile=outside, labels=LABELS)
    assert [s.keyword for s in build.steps] == ["FROM", "COPY", "LABEL"]


def test_cli_build_prints_summary_and_raises_with_full_log(client, tmp_path, capsys):
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY a.txt /\n")
    result = cli_build(f"docker build -t wb-test-buildlog:cli --label org.workbook.notebook={NAME} .", cwd=tmp_path)
    shown = capsys.readouterr().out
    assert result.ok and "Step 2/3 : COPY a.txt /" in shown and "Sending build context" not in shown
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY nope.txt /\n")
    with pytest.raises(CommandFailed):
        cli_build(f"docker build -t wb-test-buildlog:cli2 --label org.workbook.notebook={NAME} .", cwd=tmp_path)
    assert "nope.txt" in capsys.readouterr().out
