"""Reliability drills (`make drills`): broken environments, load, faults, reruns, leftovers, engine restart, full disk.

Each drill runs against the real engine and real processes, prints what it did and what
it saw, and returns an ``Outcome``; ``python -m workbook.drills`` runs them all, prints a
summary table, writes ``.workbook/drills.json`` and exits 1 when one failed. Everything
a drill makes carries the label ``org.workbook.notebook=drills`` (or ``drills-probe``) and
is removed at the end; traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

NAME = "drills"
"""The drills' notebook name: their label value, the prefix of their objects (wbdr-…)."""

PROBE = "drills-probe"
"""The name the probes of the broken-environment drill give ``workbook.Notebook``."""


@dataclass
class Outcome:
    """What one drill found: passed or not, the measured values, and why it failed."""

    drill: str
    ok: bool
    measured: str
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)


_current = threading.local()


def say(message: str) -> None:
    """Print one line of a drill's narration at once (the run takes minutes).

    A drill running beside others (drill 4) marks its lines with its number.
    """
    print(f"  {getattr(_current, 'prefix', '')}{message}", flush=True)


def timed(drill: str, body: Callable[[], Outcome], beside: bool = False) -> Outcome:
    """Run ``body``; a drill that raises fails with the exception's one-line text.

    ``beside``: the drill runs in a thread next to others; its lines start with ``[N]``.
    """
    if beside:
        _current.prefix = f"[{drill.split()[0]}] "
    print(
        f"\n== {drill}" + (" (running beside the next drills; its lines start with its number)" if beside else ""),
        flush=True,
    )
    start = time.monotonic()
    try:
        outcome = body()
    except Exception as error:  # noqa: BLE001 - a drill's crash is its failure, not the run's
        outcome = Outcome(drill, False, "", problems=[f"{type(error).__name__}: {error}"])
    outcome.seconds = time.monotonic() - start
    for problem in outcome.problems:
        say(f"PROBLEM: {problem}")
    say(f"-> {'pass' if outcome.ok else 'FAIL'} in {outcome.seconds:.0f} s: {outcome.measured}")
    _current.prefix = ""
    return outcome


def table(outcomes: list[Outcome]) -> str:
    """The summary as a Markdown table (drill, result, seconds, measured values)."""
    rows = ["| drill | result | time | measured |", "|---|---|---|---|"]
    rows += [
        f"| {o.drill} | {'pass' if o.ok else 'FAIL'} | {o.seconds:.0f} s | {o.measured.replace('|', '/')} |"
        for o in outcomes
    ]
    return "\n".join(rows)
