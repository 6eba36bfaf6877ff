"""`make drills`: run every drill, print a summary table, write .workbook/drills.json.

``DRILLS_LOAD_SECONDS`` sets the length of the load drill (30 s by default);
``DRILLS_ONLY=1,3`` runs only the drills whose numbers start so (the leftover drill always runs).
Exit status 1 when a drill failed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from workbook.cleanup import remove_labelled
from workbook.drills import (
    NAME,
    PROBE,
    Outcome,
    broken,
    disk,
    interrupt,
    leftovers,
    reruns,
    restart,
    service,
    stack,
    table,
    timed,
)
from workbook.layout import ROOT, STATE_DIR
from workbook.notebook import Notebook

REPORT = STATE_DIR / "drills.json"


def main() -> int:
    """Run the drills in order; the leftover drill runs last, after the cleanup."""
    started = time.monotonic()
    nb = Notebook(NAME)
    docker_before, temp_before = leftovers.docker_dir_digest(), leftovers.temp_dirs()
    seconds = int(os.environ.get("DRILLS_LOAD_SECONDS") or 30)
    outcomes: list[Outcome] = []
    try:
        print("\n== building the workbook's image for the drills", flush=True)
        print(f"  {service.IMAGE} built in {service.build_image(nb.label):.0f} s", flush=True)
        only = [part.strip() for part in os.environ.get("DRILLS_ONLY", "").split(",") if part.strip()]
        wanted = lambda name: not only or any(name.startswith(prefix) for prefix in only)  # noqa: E731
        # Notebook 04's runs (drill 4) take the longest and mostly wait on the engine: they run
        # in a thread beside drills 1, 3b and 3c; the load drills (2, 3a) run after, alone.
        with ThreadPoolExecutor(max_workers=1) as pool:
            name = "4 reruns + interruption (04)"
            rerun = pool.submit(timed, name, lambda: reruns.drill(nb.client), True) if wanted(name) else None
            for name, body in [
                ("1 broken environments", lambda: broken.drill(service.IMAGE, nb.label)),
                ("3b container crash", lambda: service.crash_drill(nb.client, nb.label)),
                ("3c Redis restart", stack.drill),
            ]:
                if wanted(name):
                    outcomes.append(timed(name, body))
            if rerun is not None:
                outcomes.append(rerun.result())
        for name, body in [
            ("2 load (wrk)", lambda: service.load_drill(nb.client, nb.label, seconds)),
            ("3a worker SIGKILL", lambda: service.worker_kill_drill(nb.client, nb.label)),
            ("8 interrupted build and push", lambda: interrupt.drill(nb.client)),
            ("7 disk nearly full", lambda: disk.drill(nb.client, nb.label)),
            ("6 engine restart", lambda: restart.drill(service.IMAGE)),  # last: it restarts the engine
        ]:
            if wanted(name):
                outcomes.append(timed(name, body))
        outcomes.sort(key=lambda outcome: outcome.drill)
    finally:
        print("\n== cleanup", flush=True)
        nb.cleanup()
        remove_labelled(nb.client, PROBE)
        remove_labelled(nb.client, restart.NAME)
        remove_labelled(nb.client, interrupt.NAME)
    ran_04 = next((o.data.get("finished") for o in outcomes if o.drill.startswith("4 ")), None)
    outcomes.append(timed("5 leftovers", lambda: leftovers.drill(nb.client, docker_before, temp_before, ran_04)))
    total = time.monotonic() - started
    print(f"\n== summary ({total:.0f} s)\n{table(outcomes)}", flush=True)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({"seconds": round(total, 1), "drills": [o.__dict__ for o in outcomes]}, indent=1))
    print(f"(written to {REPORT.relative_to(ROOT)})")
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
