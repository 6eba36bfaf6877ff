"""Drill 3c: Redis restarted under the Compose stack keeps the hit counter.

compose/compose.yaml runs under its own project name (wbdr-stack) with an override that
relabels every object for the drills and uses the drills' image (no build).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import requests

from workbook.cli import run
from workbook.drills import NAME, Outcome, say
from workbook.drills.service import IMAGE
from workbook.layout import LABEL, ROOT
from workbook.ports import any_free_port

PROJECT = "wbdr-stack"

OVERRIDE = f"""# The drills' relabelling of compose.yaml (objects carry {LABEL}={NAME}).
services:
  web:
    image: {IMAGE}
    labels:
      {LABEL}: {NAME}
  redis:
    labels:
      {LABEL}: {NAME}
volumes:
  redis-data:
    labels:
      {LABEL}: {NAME}
networks:
  default:
    labels:
      {LABEL}: {NAME}
"""


def count(url: str) -> tuple[int | None, int]:
    """(hits, failed attempts): GET /count until it answers 200 (at most 15 s)."""
    failed, deadline = 0, time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            answer = requests.get(url, timeout=5)
            if answer.status_code == 200:
                return answer.json()["hits"], failed
        except requests.RequestException:
            pass
        failed += 1
        time.sleep(0.2)
    return None, failed


def compose(args: str, files: str, port: int, timeout: float = 300) -> str:
    """`docker compose -p wbdr-stack -f compose.yaml -f OVERRIDE ARGS` in compose/."""
    return run(
        f"WEB_PORT={port} docker compose -p {PROJECT} {files} --ansi never {args}",
        cwd=ROOT / "compose",
        show=False,
        timeout=timeout,
    ).output


def drill() -> Outcome:
    """Up the stack, count three hits, restart Redis, count again: the count goes on from 3."""
    port = any_free_port()
    url = f"http://127.0.0.1:{port}/count"
    with tempfile.TemporaryDirectory(prefix="wbdr-stack-") as folder:
        override = Path(folder) / "drills.override.yaml"
        override.write_text(OVERRIDE)
        files = f"-f compose.yaml -f {override}"
        try:
            compose("down -v", files, port)  # what an interrupted drill may have left
            compose("up -d --wait", files, port)
            hits = [count(url)[0] for _ in range(3)]
            say(f"stack {PROJECT} up on 127.0.0.1:{port}; GET /count x3 -> {hits}")
            start = time.monotonic()
            compose("restart redis", files, port)
            compose("up -d --wait", files, port)  # waits for redis to be healthy again
            after, failed = count(url)
            took = time.monotonic() - start
            say(f"restarted redis in {took:.1f} s; next GET /count -> {after} ({failed} failed attempts first)")
        finally:
            compose("down -v", files, port)
    ok = hits == [1, 2, 3] and after == 4
    measured = f"hits {hits} -> restart redis ({took:.1f} s) -> {after}; {failed} failed requests"
    problems = [] if ok else [f"expected [1, 2, 3] then 4, saw {hits} then {after}"]
    return Outcome("3c Redis restart", ok, measured, problems=problems, data={"hits": hits, "after": after})
