"""Tests of workbook.wait.poll_until: the one polling loop."""

from __future__ import annotations

import time

import pytest

from workbook.errors import ServiceNotReady
from workbook.wait import NOTHING_YET, observation, poll_until


def test_returns_the_first_answer_that_is_done():
    answers = iter([0, 0, 3, 4])
    assert poll_until(lambda: next(answers), lambda n: n > 2, interval=0) == 3


def test_default_done_is_a_truthy_answer():
    answers = iter(["", None, "ok"])
    assert poll_until(lambda: next(answers), interval=0) == "ok"


def test_timeout_names_the_last_observation():
    with pytest.raises(ServiceNotReady, match="last: 7"):
        poll_until(lambda: 7, lambda n: n > 9, timeout=0.05, interval=0.01, message=lambda last: f"last: {last}")


def test_probe_runs_once_even_with_no_time():
    calls = []
    with pytest.raises(ServiceNotReady, match="fixed text"):
        poll_until(lambda: calls.append(1), timeout=0, message="fixed text")
    assert calls == [1]


def test_retry_on_exceptions_mean_not_yet_and_are_the_last_observation():
    def refused():
        raise ConnectionRefusedError

    with pytest.raises(ServiceNotReady, match="last: ConnectionRefusedError"):
        poll_until(
            refused,
            timeout=0.03,
            interval=0.01,
            retry_on=(OSError,),
            message=lambda last: f"last: {observation(last)}",
        )


def test_other_exceptions_propagate_at_once():
    def broken():
        raise KeyError("x")

    with pytest.raises(KeyError):
        poll_until(broken, timeout=5, retry_on=(OSError,))


def test_stop_gives_up_at_once_with_its_text_and_the_chosen_error():
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="exited with status 1"):
        poll_until(lambda: False, timeout=30, stop=lambda: "exited with status 1", error=RuntimeError)
    assert time.monotonic() - started < 1


def test_nothing_yet_before_any_answer():
    seen = []

    def message(last: object) -> str:
        seen.append(last)
        return "gave up"

    def refused():
        raise OSError

    with pytest.raises(ServiceNotReady):
        poll_until(refused, timeout=0, retry_on=(OSError,), message=message)
    assert isinstance(seen[0], OSError)
    assert observation(NOTHING_YET) == "no answer yet"
