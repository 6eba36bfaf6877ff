"""``poll_until``: the one polling loop of the workbook (HTTP, logs, health, state, processes).

Every wait in ``workbook/`` is this loop with its own probe and its own message: ask,
stop when the answer is the wanted one, give up at once when ``stop`` says the thing
waited for is gone (an exited container or server), else try again after ``interval``
until ``timeout`` seconds have passed and raise ``error`` with a message naming the
target and the last observation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from workbook.errors import ServiceNotReady

T = TypeVar("T")

NOTHING_YET = "no answer yet"
"""What ``last`` is before the first probe has answered (see ``observation``)."""


def observation(last: object) -> str:
    """The last observation in words: an exception by its class name, anything else as ``str``."""
    if isinstance(last, BaseException):
        return type(last).__name__
    return str(last)


def poll_until(
    probe: Callable[[], T],
    done: Callable[[T], bool] = bool,
    *,
    timeout: float = 30.0,
    interval: float = 0.1,
    message: str | Callable[[object], str] = "nothing happened",
    stop: Callable[[], str | None] | None = None,
    retry_on: tuple[type[BaseException], ...] = (),
    error: type[Exception] = ServiceNotReady,
) -> T:
    """Call ``probe`` until ``done(answer)`` holds; return that answer.

    Args:
        probe: asks once (an HTTP request, a ``reload()``, a read of /proc).
        done: True when the answer is the wanted one (default: the answer is truthy).
        timeout: seconds before giving up; the probe always runs at least once.
        interval: seconds between attempts.
        message: the error's text on timeout, or a function of the last observation
            (the probe's last answer, the last exception in ``retry_on``, or ``NOTHING_YET``).
        stop: called after each failed attempt; a string means "give up now" and is the
            error's text (for example the log tail of a server that exited).
        retry_on: exceptions of the probe that mean "not yet" (a refused connection);
            any other exception propagates at once.
        error: the exception class raised on timeout or stop.

    Raises:
        ``error`` (ServiceNotReady by default) on timeout or when ``stop`` answers.
    """
    deadline = time.monotonic() + timeout
    last: object = NOTHING_YET
    while True:
        try:
            answer = probe()
        except retry_on as exception:
            last = exception
        else:
            if done(answer):
                return answer
            last = answer
        if stop is not None:
            reason = stop()
            if reason is not None:
                raise error(reason)
        if time.monotonic() >= deadline:
            raise error(message(last) if callable(message) else message)
        time.sleep(interval)
