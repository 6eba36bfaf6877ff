"""Notebook 10's results: the text table, the bar chart, bench/results.json and the README's table.

``python -m workbook.bench_report README.md bench/results.json`` regenerates the README's
"Benchmarks" table from a results file (`make bench` does it after measuring).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from workbook.bench import WrkResult

README_START = "<!-- bench:start (written by `make bench` from bench/results.json; do not edit) -->"
README_END = "<!-- bench:end -->"
BAR = 4.0  # the bar: best gunicorn ≥ 4× the development server in the same run


def ratio(results: dict[str, WrkResult], key: str, base: str = "dev") -> float:
    """Requests/s of ``key`` divided by those of ``base``."""
    return results[key].requests_per_s / max(results[base].requests_per_s, 1e-9)


def text_table(results: dict[str, WrkResult], labels: dict[str, str], base: str | None = None) -> str:
    """One line per configuration: requests/s, × ``base`` (the first row by default), p50, p99, failed requests."""
    base = base or next(iter(results))
    width = max(len(labels[key]) for key in results)
    lines = []
    for key, r in results.items():
        lines.append(
            f"{labels[key]:<{width}}  {r.requests_per_s:>6.0f} req/s  ×{ratio(results, key, base):>5.1f}  "
            f"p50 {r.p50_ms:>6.1f} ms  p99 {r.p99_ms:>6.1f} ms  {r.errors} errors"
        )
    return "\n".join(lines)


def chart(results: dict[str, WrkResult], labels: dict[str, str], path: Path | None = None):  # noqa: ANN201 - a Figure
    """A horizontal bar chart of requests/s (p99 latency written on each bar); saved to ``path`` when given."""
    import matplotlib.pyplot as plt

    keys = list(results)[::-1]
    rates = [results[k].requests_per_s for k in keys]
    colours = ["#c44" if k == "dev" else "#888" if k.startswith("wsgi") else "#4a4" for k in keys]
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    bars = ax.barh([labels[k] for k in keys], rates, color=colours)
    for bar, key in zip(bars, keys, strict=True):
        ax.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f" p99 {results[key].p99_ms:.0f} ms",
            va="center",
            fontsize=8,
        )
    ax.set_xlabel("requests per second (wrk, loopback; higher is better)")
    ax.set_xlim(0, max(rates) * 1.3)
    fig.tight_layout()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=100)
    return fig


def verdict(data: dict) -> list[str]:
    """What fails the bar: failed requests anywhere, or best gunicorn below 4× the dev server."""
    problems = [f"{key}: {r['errors']} failed requests" for key, r in data["load"].items() if r["errors"]]
    dev = data["load"]["dev"]["requests_per_s"]
    best_key = max(
        (k for k in data["load"] if k not in ("dev", "wsgi-host")), key=lambda k: data["load"][k]["requests_per_s"]
    )
    best = data["load"][best_key]["requests_per_s"]
    if best < BAR * dev:
        problems.append(
            f"best gunicorn ({best_key}, {best:.0f} req/s) is {best / dev:.1f}× the dev server, below {BAR:g}×"
        )
    return problems


def markdown_table(data: dict) -> str:
    """The README's table (Markdown) from the contents of results.json."""
    rows = [
        "| configuration | requests/s | × dev server | p50 | p99 | failed requests |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    load = data["load"]
    dev = load["dev"]["requests_per_s"]
    for key, r in load.items():
        rows.append(
            f"| {data['labels'][key]} | {r['requests_per_s']:.0f} | {r['requests_per_s'] / dev:.1f}× | "
            f"{r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms | {r['errors']} |"
        )
    t = data["timings"]
    rows += [
        "",
        "| also measured (median of " + str(data["plan"]["timing_repetitions"]) + ") | seconds |",
        "|---|---:|",
        f"| container start → first HTTP 200 | {t['start_to_200_s']:.2f} |",
        f"| cold build (`--no-cache`) | {t['build_cold_s']:.1f} |",
        f"| rebuild after a code-only edit (cache) | {t['build_cached_s']:.1f} |",
        f"| `docker stop --time {t['stop_timeout_s']}`, exec-form `CMD` | {t['stop_exec_s']:.2f} |",
        f"| `docker stop --time {t['stop_timeout_s']}`, shell-form `CMD` | {t['stop_shell_s']:.2f} |",
    ]
    meta = data["meta"]
    busy = f" (load average {meta['load_average']} at the end)" if "load_average" in meta else ""
    rows += [
        "",
        f"Measured {meta['date']} by `make bench`: Docker Engine {meta['engine']}, {meta['store']} image store, "
        f"{meta['cpus']} CPUs{busy}; wrk {data['plan']['seconds']:g} s per run, "
        f"{data['plan']['connections']} connections, median of {data['plan']['repetitions']} runs. "
        "![chart](bench/results.png)",
    ]
    problems = verdict(data)
    if problems:
        rows += [
            "",
            "**This run missed the bar** (a busy machine measures its neighbours too; run `make bench` "
            "again on a quiet one): " + "; ".join(problems) + ".",
        ]
    return "\n".join(rows)


def update_readme(readme: Path, data: dict) -> bool:
    """Put the table between the README's bench markers (a "Benchmarks" section is added when missing).

    Returns True when the file changed.
    """
    text = readme.read_text()
    block = f"{README_START}\n{markdown_table(data)}\n{README_END}"
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        new = head + block + rest.split(README_END, 1)[1]
    else:
        new = (
            text.rstrip("\n") + "\n\n## Benchmarks\n\nServing performance on the last machine that ran `make bench` "
            "(notebook 10 explains the numbers):\n\n" + block + "\n"
        )
    if new != text:
        readme.write_text(new)
    return new != text


def main(argv: list[str] | None = None) -> int:
    """Regenerate the README's table: ``python -m workbook.bench_report README.md bench/results.json``."""
    args = sys.argv[1:] if argv is None else argv
    readme, results = (Path(a) for a in (args + ["README.md", "bench/results.json"][len(args) :])[:2])
    changed = update_readme(readme, json.loads(results.read_text()))
    print(f"{readme}: {'table updated' if changed else 'table already current'} from {results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
