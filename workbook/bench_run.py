"""`make bench`: notebook 10's measurements at full length; writes bench/results.json, the chart and the README table.

Full length means several seconds of wrk per configuration, median of 3, and medians of 5
for container start, builds and `docker stop`. It fails (exit 1) when any request failed
or when the best gunicorn configuration serves less than 4× the development server's
requests/s in the same run; the results are written either way.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from workbook.bench import wrk_path
from workbook.bench_report import chart, ratio, text_table, update_readme, verdict
from workbook.cleanup import remove_labelled
from workbook.engine import connect
from workbook.errors import WorkbookError
from workbook.images import resolved
from workbook.imagestore import image_store
from workbook.layout import LABEL, ROOT
from workbook.serving import measure_servers as measure
from workbook.serving import plan_from_env, servers
from workbook.timings import build_command, build_times, median, shell_form_image, start_to_200, stop_times

OWNER = "10-bench"
IMAGE = "workbook/flask-app:10-bench"


def say(message: str) -> None:
    """Progress line of `make bench`."""
    print(f"bench: {message}", flush=True)


def measure_everything(folder: Path) -> dict:
    """Every figure of notebook 10 at the plan's length, as results.json holds it."""
    plan = plan_from_env()
    wrk_path()
    client = connect()
    labels = {LABEL: OWNER}
    label = f"{LABEL}={OWNER}"
    info = client.info()
    cpus = int(info["NCPU"])
    python_image = resolved("python")
    say(f"building {IMAGE}")
    subprocess.run(build_command(ROOT / "app", IMAGE, python_image, label), check=True, capture_output=True)
    say(f"load: {plan.seconds:g} s per run, median of {plan.repetitions}, round-robin over the configurations")
    load = measure(client, IMAGE, labels, folder / "hello", plan, "wb10b", progress=say)
    n = plan.timing_repetitions
    say(f"container start to first 200 (×{n})")
    starts = [start_to_200(client, IMAGE, labels, f"wb10b-start-{i}") for i in range(n)]
    say(f"cold build and cached rebuild after a code-only edit (×{plan.build_repetitions})")
    builds = build_times(folder, "workbook/flask-app:10-bench-build", python_image, label, plan.build_repetitions)
    say(f"docker stop --time {plan.stop_timeout}, exec form vs shell form (×{plan.stop_repetitions})")
    shell = shell_form_image(folder / "shell", IMAGE, "workbook/flask-app:10-bench-shell", label)
    stops = stop_times(
        client, {"exec": IMAGE, "shell": shell}, labels, "wb10b", plan.stop_timeout, plan.stop_repetitions
    )
    return {
        "meta": {
            "date": datetime.date.today().isoformat(),
            "engine": client.version()["Version"],
            "store": image_store(info),
            "cpus": cpus,
            "load_average": round(os.getloadavg()[0], 1),
            "wrk": subprocess.run([wrk_path(), "--version"], capture_output=True, text=True).stdout.split(" [")[0],
        },
        "plan": asdict(plan),
        "labels": {s.key: s.label for s in servers(cpus)},
        "load": {key: r.as_dict() for key, r in load.items()},
        "timings": {
            "start_to_200_s": median(starts),
            "build_cold_s": median(builds.cold),
            "build_cached_s": median(builds.cached),
            "stop_timeout_s": plan.stop_timeout,
            "stop_exec_s": median(stops.exec_form),
            "stop_shell_s": median(stops.shell_form),
            "stop_exit_codes": {form: sorted(codes) for form, codes in stops.exit_codes.items()},
            "all": {
                "start_to_200_s": starts,
                "build_cold_s": builds.cold,
                "build_cached_s": builds.cached,
                "stop_exec_s": stops.exec_form,
                "stop_shell_s": stops.shell_form,
            },
        },
    }


def main() -> int:
    """Measure, write bench/results.json and bench/results.png, update README.md, check the bar."""
    out = ROOT / "bench"
    out.mkdir(exist_ok=True)
    client = connect()
    remove_labelled(client, OWNER)
    try:
        with tempfile.TemporaryDirectory(prefix="wb10-bench-") as folder:
            data = measure_everything(Path(folder))
    except WorkbookError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    finally:
        remove_labelled(client, OWNER)
    (out / "results.json").write_text(json.dumps(data, indent=2) + "\n")
    from workbook.bench import WrkResult

    load = {k: WrkResult(**{f: v for f, v in r.items() if f != "errors"}) for k, r in data["load"].items()}
    chart(load, data["labels"], out / "results.png")
    update_readme(ROOT / "README.md", data)
    print(text_table(load, data["labels"]))
    say(f"best gunicorn vs dev server: ×{max(ratio(load, k) for k in load if k not in ('dev', 'wsgi-host')):.1f}")
    say("wrote bench/results.json, bench/results.png and the README's Benchmarks table")
    problems = verdict(data)
    for problem in problems:
        print(f"bench: FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
