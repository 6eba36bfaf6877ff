"""Wait for an HTTP endpoint: until it answers, or until its answer changes (a reload)."""

from __future__ import annotations

from collections.abc import Callable

import requests

from workbook.errors import ServiceNotReady
from workbook.wait import observation, poll_until


def _last(last: object) -> str:
    """The last observation of an HTTP wait: ``HTTP 503``, ``ConnectionError`` or ``no answer yet``."""
    return f"HTTP {last.status_code}" if isinstance(last, requests.Response) else observation(last)


def wait_for_http(
    url: str,
    timeout: float = 30.0,
    status: int = 200,
    interval: float = 0.1,
    still_running: Callable[[], str | None] | None = None,
) -> requests.Response:
    """Poll ``url`` until it answers with ``status``; return that response.

    ``still_running`` is called between attempts; when it returns a string (for
    example the last lines of a crashed server's log) waiting stops at once with
    that text in the error. A refused connection means "not yet".

    Raises:
        ServiceNotReady: after ``timeout`` seconds, or at once when ``still_running`` answers.
    """

    def stopped() -> str | None:
        died = still_running() if still_running is not None else None
        return None if died is None else f"The server behind {url} stopped before it answered: {died}"

    return poll_until(
        lambda: requests.get(url, timeout=min(5.0, max(timeout, 0.5))),
        lambda response: response.status_code == status,
        timeout=timeout,
        interval=interval,
        retry_on=(requests.RequestException,),
        stop=stopped,
        message=lambda last: (
            f"{url} did not answer with HTTP {status} within {timeout:g} s (last: {_last(last)}). "
            "Check the server's logs; is it listening on that address and port?"
        ),
        error=ServiceNotReady,
    )


def wait_for_new_answer(url: str, old: str, timeout: float = 30.0, interval: float = 0.2) -> str:
    """Poll ``url`` until its body is no longer ``old`` (a server reloading changed code); return the new body.

    A refused, reset or slow connection means "not yet": the workers are restarting.

    Raises:
        ServiceNotReady: after ``timeout`` seconds, naming the last observation.
    """

    def last_seen(last: object) -> str:
        return f"still {old!r}" if isinstance(last, str) else observation(last)

    return poll_until(
        lambda: requests.get(url, timeout=5).text,
        lambda text: text != old,
        timeout=timeout,
        interval=interval,
        retry_on=(requests.RequestException,),
        message=lambda last: f"{url}: no new answer within {timeout:.0f}s (last: {last_seen(last)})",
    )
