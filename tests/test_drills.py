"""The drills' own parsing and verdicts (the drills themselves run with `make drills`)."""

from workbook.drills import Outcome, table
from workbook.drills.broken import env_cell, one_line


def test_one_line_accepts_a_single_line_naming_the_fix_and_ignores_makes_own_line():
    ok, line = one_line(
        ["setup: No engine at x. Unset DOCKER_HOST.", "make[1]: *** [Makefile:44: setup] Error 2"], "DOCKER_HOST"
    )
    assert ok and line.startswith("setup:")


def test_one_line_rejects_a_traceback_or_a_line_without_the_fix():
    assert not one_line(["Traceback (most recent call last):", '  File "x"', "OSError: boom"], "boom")[0]
    assert not one_line(["CommandFailed: exited with status 125"], "nb.port")[0]
    assert not one_line(None, "x")[0]


def test_env_cell_sets_and_removes_variables():
    namespace: dict = {}
    import os

    os.environ["WB_DRILL_GONE"] = "1"
    exec(env_cell(WB_DRILL_SET="a", WB_DRILL_GONE=None), namespace)
    assert os.environ.pop("WB_DRILL_SET") == "a" and "WB_DRILL_GONE" not in os.environ


def test_the_summary_is_a_markdown_table():
    text = table(
        [Outcome("2 load", True, "median 1 ms | p99 2 ms", seconds=31.2), Outcome("5 leftovers", False, "1 left")]
    )
    assert text.splitlines() == [
        "| drill | result | time | measured |",
        "|---|---|---|---|",
        "| 2 load | pass | 31 s | median 1 ms / p99 2 ms |",
        "| 5 leftovers | FAIL | 0 s | 1 left |",
    ]
