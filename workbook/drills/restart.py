"""Drill 6: the engine restarted in the middle of a notebook.

A kernel runs a first cell (``Notebook``, a container started, its answer read); then the
engine that `make setup` started is stopped and started again; the next cell must say so in
one line instead of failing inside the SDK; running the notebook again from the top passes.
Only the dockerd that setup started is restarted, never an engine the user runs.
"""

from __future__ import annotations

import time

from workbook import provision, setup
from workbook.drills import Outcome, say
from workbook.drills.probe import run_cells
from workbook.layout import ROOT

NAME = "drills-restart"
FIRST = """\
import workbook, requests
from workbook.web import wait_for_http
nb = workbook.Notebook({name!r})
published = {{"5000/tcp": ("127.0.0.1", None)}}
c = nb.client.containers.run({image!r}, detach=True, name="wbdr-restart", labels=nb.labels, ports=published)
c.reload()
port = c.ports["5000/tcp"][0]["HostPort"]
print("first answer:", wait_for_http(f"http://127.0.0.1:{{port}}/", timeout=30).text)
"""
NEXT = 'print(requests.get(f"http://127.0.0.1:{port}/", timeout=5).text)'
AGAIN = FIRST + "nb.cleanup()\n"


def drill(image: str) -> Outcome:
    """Restart setup's engine between two cells; expect one line, then a clean rerun."""
    if provision.setup_started_dockerd() is None:
        return Outcome("6 engine restart", True, "not run: the engine is not one `make setup` started")
    restarted: dict[str, float] = {}

    def restart_engine() -> None:
        started = time.monotonic()
        say(f"stopping the engine: {setup.stop_engine()}")
        say(f"starting it again: {setup.ensure_engine()}")
        restarted["seconds"] = time.monotonic() - started

    first = FIRST.format(name=NAME, image=image)
    cells = run_cells([first, NEXT, AGAIN.format(name=NAME, image=image)], cwd=str(ROOT), before={1: restart_engine})
    say(f"cell 1: {cells[0]['text'].strip().splitlines()[-1] if cells[0]['text'].strip() else cells[0]['error']}")
    error = cells[1]["error"] or []
    say(f"cell 2 after the restart ({restarted.get('seconds', 0):.1f} s) showed: {error}")
    rerun = cells[2]
    say(f"first cell run again: {'error ' + str(rerun['error'][-1:]) if rerun['error'] else 'passed'}")
    problems = []
    if cells[0]["error"] or "first answer: Hello World!" not in cells[0]["text"]:
        problems.append("the first cell did not get the service's answer")
    if len(error) != 1 or "restarted since this notebook's first cell" not in error[0]:
        problems.append(f"the cell after the restart did not say so in one line: {error}")
    if rerun["error"] or "first answer: Hello World!" not in rerun["text"]:
        problems.append("running the notebook again from the top failed")
    measured = (
        f"engine restarted in {restarted.get('seconds', 0):.1f} s; next cell: one line "
        f"({'EngineUnavailable' if error and 'EngineUnavailable' in error[0] else error[:1]}); rerun passed"
        if not problems
        else "; ".join(problems)
    )
    return Outcome("6 engine restart", not problems, measured, problems=problems)
