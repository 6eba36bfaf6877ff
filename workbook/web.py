"""Wait for an HTTP endpoint to answer, with a clear error when it does not."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from workbook.errors import ServiceNotReady


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
    that text in the error. Raises ServiceNotReady after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while True:
        try:
            response = requests.get(url, timeout=min(5.0, max(timeout, 0.5)))
            if response.status_code == status:
                return response
            last = f"HTTP {response.status_code}"
        except requests.RequestException as error:
            last = type(error).__name__
        if still_running is not None:
            died = still_running()
            if died is not None:
                raise ServiceNotReady(f"The server behind {url} stopped before it answered: {died}")
        if time.monotonic() >= deadline:
            raise ServiceNotReady(
                f"{url} did not answer with HTTP {status} within {timeout:g} s (last: {last}). "
                "Check the server's logs; is it listening on that address and port?"
            )
        time.sleep(interval)
