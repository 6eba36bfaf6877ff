"""The drills' own parsing and verdicts (the drills themselves run with `make drills`)."""

from workbook.drills import Outcome, table
from workbook.drills.broken import env_cell, one_line
from workbook.drills.service import parse_wrk

WRK = """Running 3s test @ http://127.0.0.1:45999/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.58s   829.86ms   2.59s    53.25%
  Latency Distribution
     50%  740.00us~
     75%    2.41ms~
     90%    2.54s~
     99%    2.59s~
  77 requests in 3.03s, 12.41KB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:     25.42
Transfer/sec:      4.10KB
""".replace("~", " ")  # wrk ends the percentile lines with a space


def test_wrk_report_is_parsed_into_milliseconds_and_error_counts():
    load = parse_wrk(WRK)
    assert (load.requests, load.rps, load.p50_ms, load.p99_ms) == (77, 25.42, 0.74, 2590.0)
    assert (load.socket_errors, load.non_2xx) == (5, 4)


def test_a_clean_wrk_report_has_no_errors():
    clean = WRK.replace("  Socket errors: connect 0, read 3, write 0, timeout 2\n", "").replace(
        "  Non-2xx or 3xx responses: 4\n", ""
    )
    load = parse_wrk(clean)
    assert load.socket_errors == 0 and load.non_2xx == 0


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
