"""Reading BuildKit's plain progress log: steps in Dockerfile order, the image's name, the error report."""

import pytest

from workbook.buildkit import buildkit_build, error_report, named_images, parse_steps, summary_lines
from workbook.errors import CommandFailed

SUCCESS = """\
#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 220B done
#1 DONE 0.0s

#4 [1/3] FROM docker.io/library/python:3.13-slim@sha256:c603
#4 DONE 0.0s

#6 [3/3] RUN pip install -r requirements.txt
#6 CACHED

#7 [2/3] WORKDIR /usr/src/app
#7 DONE 0.1s

#6 [3/3] RUN pip install -r requirements.txt
#6 0.512 Collecting Flask

#10 exporting to image
#10 naming to docker.io/library/wb:latest
#10 naming to docker.io/library/wb:latest done
#10 DONE 0.2s
"""

PARSE_ERROR = """\
#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 192B 0.0s done
#1 DONE 0.1s
Dockerfile:9
--------------------
   9 | >>> COPY..
--------------------
ERROR: failed to build: failed to solve: dockerfile parse error on line 9: unknown instruction: COPY..
"""


def test_steps_come_once_each_in_dockerfile_order():
    steps = parse_steps(SUCCESS)
    assert [step.label for step in steps] == [
        "[1/3] FROM docker.io/library/python:3.13-slim@sha256:c603",
        "[2/3] WORKDIR /usr/src/app",
        "[3/3] RUN pip install -r requirements.txt",
    ]
    assert [step.cached for step in steps] == [False, False, True]


def test_summary_is_the_steps_and_the_image_name():
    assert named_images(SUCCESS) == ["docker.io/library/wb:latest"]
    assert summary_lines(SUCCESS) == [
        "FROM docker.io/library/python:3.13-slim@sha256:c603",
        "WORKDIR /usr/src/app",
        "RUN pip install -r requirements.txt",
        "naming to docker.io/library/wb:latest",
    ]


def test_a_failed_build_ends_with_buildkits_report():
    assert parse_steps(PARSE_ERROR) == []
    report = error_report(PARSE_ERROR)
    assert report.startswith("Dockerfile:9\n") and report.endswith("unknown instruction: COPY..")


def test_buildkit_build_prints_the_report_or_raises(monkeypatch, tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY..\n")
    result = buildkit_build("docker build --progress=plain -t wb-test-buildkit .", cwd=tmp_path, check=False)
    out = capsys.readouterr().out
    assert result.returncode != 0 and "unknown instruction: COPY.." in out and "#1 " not in out
    with pytest.raises(CommandFailed):
        buildkit_build("docker build --progress=plain -t wb-test-buildkit .", cwd=tmp_path)


def test_image_names_read_the_same_on_both_image_stores():
    from workbook.buildkit import named_images, with_tag

    containerd = "#9 naming to docker.io/library/wb02-flask:latest done\n"
    classic = "#9 naming to docker.io/library/wb02-flask done\n"
    assert named_images(containerd) == named_images(classic) == ["docker.io/library/wb02-flask:latest"]
    assert with_tag("localhost:5000/app") == "localhost:5000/app:latest"
    assert with_tag("localhost:5000/app:2.0") == "localhost:5000/app:2.0"
    assert with_tag("x@sha256:" + "a" * 64) == "x@sha256:" + "a" * 64


def test_steps_shared_with_a_concurrent_stage_build_keep_their_place():
    # FROM and WORKDIR were also steps of another build's stage `base`, running at the same time.
    log = "\n".join(
        [
            "#5 [3/4] COPY requirements.txt .",
            "#6 [base 1/4] FROM docker.io/library/python:3.13-slim",
            "#7 [base 2/4] WORKDIR /usr/src/app",
            "#8 [4/4] COPY . .",
            "#9 naming to docker.io/library/app:latest done",
        ]
    )
    assert summary_lines(log)[:4] == [
        "FROM docker.io/library/python:3.13-slim",
        "WORKDIR /usr/src/app",
        "COPY requirements.txt .",
        "COPY . .",
    ]
