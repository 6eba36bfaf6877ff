"""Build logs: steps, cache hits and timings, from text and from a real (tiny) build."""

import pytest

from workbook.buildlog import (
    buildkit_build,
    buildkit_errors,
    buildkit_summary,
    cli_build,
    parse_buildkit,
    parse_steps,
    summary_lines,
)
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


def test_cli_build_prints_summary_and_raises_with_full_log(client, tmp_path, capsys):
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY a.txt /\n")
    result = cli_build(f"docker build -t wb-test-buildlog:cli --label org.workbook.notebook={NAME} .", cwd=tmp_path)
    shown = capsys.readouterr().out
    # The legacy builder prints "Step 2/3 : COPY a.txt /"; BuildKit (docker build on Engine 23+) "[1/1] COPY a.txt /".
    assert result.ok and ("Step 2/3 : COPY a.txt /" in shown or "[1/1] COPY a.txt /" in shown)
    assert "Sending build context" not in shown and "transferring" not in shown
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY nope.txt /\n")
    with pytest.raises(CommandFailed):
        cli_build(f"docker build -t wb-test-buildlog:cli2 --label org.workbook.notebook={NAME} .", cwd=tmp_path)
    assert "nope.txt" in capsys.readouterr().out


BUILDKIT_LOG = """#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 881B done
#1 DONE 0.0s

#5 [1/4] FROM docker.io/library/base:1@sha256:c603c8fd176e74f4b573b6c25bbd2c054fda2f0217251fac18fe155278e0909f
#5 DONE 0.1s

#7 [3/4] RUN pip install x
#7 CACHED

#6 [2/4] COPY requirements.txt .
#6 CACHED

#8 [4/4] COPY . .
#8 0.512 some output
#8 DONE 1.5s

#9 exporting to image
#9 naming to docker.io/library/t:1
#9 naming to docker.io/library/t:1 0.0s done
#9 DONE 0.4s
"""

BUILDKIT_FAILED = """#6 [2/2] COPY settings.toml .
#6 ERROR: failed to calculate checksum of ref abc::def: "/settings.toml": not found
------
 > [2/2] COPY settings.toml .:
------
Dockerfile:2
--------------------
   1 |     FROM base
   2 | >>> COPY settings.toml .
   3 |
--------------------
ERROR: failed to build: failed to solve: failed to compute cache key: "/settings.toml": not found
"""


def test_parse_buildkit_orders_steps_and_reads_cache_and_times():
    steps = parse_buildkit(BUILDKIT_LOG)
    assert [(s.number, s.keyword, s.cached, s.seconds) for s in steps] == [
        (1, "FROM", False, 0.1),
        (2, "COPY", True, 0.0),
        (3, "RUN", True, 0.0),
        (4, "COPY", False, 1.5),
    ]


def test_a_step_under_two_vertices_is_one_step():
    log = "#5 [1/2] FROM base\n#5 DONE 0.1s\n#6 [2/2] RUN x\n#6 DONE 1.0s\n#7 [2/2] RUN x\n#7 CACHED\n"
    steps = parse_buildkit(log)
    assert [(s.number, s.cached, s.seconds) for s in steps] == [(1, False, 0.1), (2, True, 1.0)]


def test_summary_lines_of_a_buildkit_log_are_buildkit_summary():
    assert summary_lines(BUILDKIT_LOG) == buildkit_summary(BUILDKIT_LOG)


def test_buildkit_summary_is_stable_lines_only():
    assert buildkit_summary(BUILDKIT_LOG) == [
        "[1/4] FROM docker.io/library/base:1@sha256:c603c8fd176e74f4b573b6c25bbd2c054fda2f0217251fac18fe155278e0909f",
        "[2/4] COPY requirements.txt .",
        "[3/4] RUN pip install x",
        "[4/4] COPY . .",
        "naming to docker.io/library/t:1",
    ]
    assert buildkit_summary(BUILDKIT_LOG, status=True)[1:4] == [
        "[2/4] COPY requirements.txt .  CACHED",
        "[3/4] RUN pip install x  CACHED",
        "[4/4] COPY . .  RUN",
    ]


def test_buildkit_errors_keep_what_failed():
    assert buildkit_errors(BUILDKIT_FAILED) == [
        "Dockerfile:2",
        "   2 | >>> COPY settings.toml .",
        'ERROR: failed to build: failed to solve: failed to compute cache key: "/settings.toml": not found',
    ]
    assert parse_buildkit(BUILDKIT_FAILED)[0].cached is False


def test_buildkit_build_runs_the_cli_and_sees_the_cache(client, tmp_path, capsys):
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY a.txt /\n")
    command = f"docker build --progress=plain -t wb-test-buildlog:bk --label org.workbook.notebook={NAME} ."
    first = buildkit_build(command.replace("build ", "build --no-cache ", 1), cwd=tmp_path)
    again = buildkit_build(command, cwd=tmp_path, status=True)
    shown = capsys.readouterr().out
    assert not first.step("COPY").cached and again.step("COPY").cached
    assert "[1/1] COPY a.txt /  CACHED" in shown and "naming to docker.io/library/wb-test-buildlog:bk" in shown
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY nope.txt /\n")
    failed = buildkit_build(command, cwd=tmp_path, check=False)
    assert not failed.result.ok and "nope.txt" in capsys.readouterr().out
    with pytest.raises(CommandFailed):
        buildkit_build(command, cwd=tmp_path)
    with pytest.raises(ValueError, match="progress=plain"):
        buildkit_build("docker build .", cwd=tmp_path)
