"""wrk, the load generator of notebook 10: find it, run it (loopback only, bounded in time), parse its report.

``wrk --latency`` prints a plain-text report; ``parse_wrk`` turns it into a ``WrkResult``
(requests/s, p50 and p99 latency, socket errors, non-2xx answers). Debian and Ubuntu
package wrk (`apt-get install wrk`); `make setup` installs it as root.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from workbook.errors import WorkbookError

INSTALL_HINT = "sudo apt-get install wrk"
TIME_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class WrkMissing(WorkbookError):
    """wrk is not installed."""


class WrkReportUnreadable(WorkbookError):
    """wrk's output lacks a line the parser needs."""


@dataclass(frozen=True)
class WrkResult:
    """One wrk run: throughput, latency percentiles (ms) and every kind of failed request."""

    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    socket_errors: int = 0
    non_2xx: int = 0

    @property
    def errors(self) -> int:
        """Failed requests of any kind: socket errors (connect, read, write, timeout) and non-2xx/3xx answers."""
        return self.socket_errors + self.non_2xx

    def as_dict(self) -> dict[str, float | int]:
        """The figures, for results.json."""
        return {**asdict(self), "errors": self.errors}


def to_ms(text: str) -> float:
    """wrk's time notation (``812.00us``, ``1.23ms``, ``2.00s``) in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise WrkReportUnreadable(f"Not a wrk duration: {text!r}")
    return float(match.group(1)) * TIME_UNITS[match.group(2)]


def _find(pattern: str, text: str, what: str) -> re.Match[str]:
    match = re.search(pattern, text, re.MULTILINE)
    if match is None:
        raise WrkReportUnreadable(f"wrk's report has no {what} (run it with --latency); it read: {text[-300:]!r}")
    return match


def parse_wrk(text: str) -> WrkResult:
    """Parse the report of ``wrk --latency``.

    Raises:
        WrkReportUnreadable: a required line (percentiles, totals, Requests/sec) is missing.
    """
    p50 = _find(r"^\s*50(?:\.0+)?%\s+(\S+)", text, "50% latency line")
    p99 = _find(r"^\s*99(?:\.0+)?%\s+(\S+)", text, "99% latency line")
    totals = _find(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", text, "'N requests in T' line")
    rate = _find(r"^Requests/sec:\s+([\d.]+)", text, "Requests/sec line")
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return WrkResult(
        requests=int(totals.group(1)),
        seconds=to_ms(totals.group(2) + totals.group(3)) / 1000,
        requests_per_s=float(rate.group(1)),
        p50_ms=to_ms(p50.group(1)),
        p99_ms=to_ms(p99.group(1)),
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


def wrk_path() -> str:
    """The wrk executable.

    Raises:
        WrkMissing: wrk is not on PATH; the message names the fix.
    """
    path = shutil.which("wrk")
    if path is None:
        hint = "run `make setup` as root, or " if os.geteuid() != 0 else "run `make setup`, or "
        raise WrkMissing(f"wrk (the load generator) is not installed: {hint}`{INSTALL_HINT}`.")
    return path


def wrk_command(url: str, seconds: float, connections: int = 16, threads: int = 2) -> list[str]:
    """The wrk command line for ``url`` (loopback addresses only, so a load test never leaves the machine)."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise WorkbookError(f"Load tests go to 127.0.0.1 only, not {host}.")
    duration = f"{max(1, round(seconds))}s"
    return [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{duration}", "--timeout", "5s", "--latency", url]


def run_wrk(url: str, seconds: float, connections: int = 16, threads: int = 2) -> WrkResult:
    """Load ``url`` for ``seconds`` with wrk and return what it measured.

    Raises:
        WrkMissing, WrkReportUnreadable, WorkbookError: wrk is missing, failed or printed no report.
    """
    command = wrk_command(url, seconds, connections, threads)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    except subprocess.TimeoutExpired:
        raise WorkbookError(f"wrk against {url} did not finish within {seconds + 30:g} s.") from None
    if done.returncode != 0:
        raise WorkbookError(f"wrk against {url} exited with status {done.returncode}: {done.stderr.strip()[-300:]}")
    return parse_wrk(done.stdout)


def median_result(results: list[WrkResult]) -> WrkResult:
    """The run with the median requests/s (its own latencies), with the errors of every run added up.

    An error in any repetition must stay visible, so errors are summed, not taken from one run.
    """
    if not results:
        raise ValueError("no results")
    ordered = sorted(results, key=lambda r: r.requests_per_s)
    middle = ordered[(len(ordered) - 1) // 2] if len(ordered) % 2 == 0 else ordered[len(ordered) // 2]
    return WrkResult(
        requests=middle.requests,
        seconds=middle.seconds,
        requests_per_s=statistics.median(r.requests_per_s for r in results),
        p50_ms=middle.p50_ms,
        p99_ms=middle.p99_ms,
        socket_errors=sum(r.socket_errors for r in results),
        non_2xx=sum(r.non_2xx for r in results),
    )
