"""A bounded HTTP load client that runs inside a container (standard library only).

Notebook 11 passes this file's source to ``python -c`` in a one-shot container on the
stack's network:  ``python -c SOURCE HOST PORT SECONDS INTERVAL_MS MAX_REQUESTS``.

Every request resolves HOST afresh (no DNS cache, no keep-alive), connects to the first
address, sends one ``GET /`` and records the answer or the error: nothing is retried, so
every failure is counted. The client stops after SECONDS, after MAX_REQUESTS, or on
SIGTERM (``docker stop``), and then prints one JSON line: the results, in order.
"""

from __future__ import annotations

import http.client
import json
import signal
import socket
import sys
import time

READY = "load client started"


def one_request(host: str, port: int, timeout: float = 5.0) -> dict:
    """GET / once: {"t", "ok", "status", "body", "by"} or {"t", "ok": False, "error"}."""
    started = time.time()
    try:
        address = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)[0][4][0]
        connection = http.client.HTTPConnection(address, port, timeout=timeout)
        try:
            connection.request("GET", "/", headers={"Connection": "close"})
            response = connection.getresponse()
            body = response.read().decode(errors="replace")
        finally:
            connection.close()
        return {
            "t": started,
            "ok": response.status == 200,
            "status": response.status,
            "body": body,
            "by": response.getheader("X-Served-By", ""),
        }
    except Exception as error:  # noqa: BLE001 - every failure is a result, none is retried
        return {"t": started, "ok": False, "error": f"{type(error).__name__}: {error}"}


def run(host: str, port: int, seconds: float, interval: float, max_requests: int) -> list[dict]:
    """Send requests until ``seconds`` pass, ``max_requests`` were sent or SIGTERM arrives."""
    stop: list[int] = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    results: list[dict] = []
    deadline = time.monotonic() + seconds
    print(READY, flush=True)
    while not stop and time.monotonic() < deadline and len(results) < max_requests:
        results.append(one_request(host, port))
        time.sleep(interval)
    return results


def main(argv: list[str]) -> int:
    """Parse ``HOST PORT SECONDS INTERVAL_MS MAX_REQUESTS``, run, print the JSON line."""
    host, port, seconds, interval_ms, max_requests = argv[:5]
    results = run(host, int(port), float(seconds), float(interval_ms) / 1000, int(max_requests))
    print(json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
