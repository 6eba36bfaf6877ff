"""Compose's and BuildKit's plain output, read into stable lines (final states, numbered steps)."""

from __future__ import annotations

import re

# " Container wb08-web-1  Healthy": Compose's progress lines when its output is not a terminal.
PROGRESS = re.compile(r"^\s*(Network|Volume|Container|Image)\s+(\S+)\s+(\w[\w ]*?)\s*$")
KIND_ORDER = {"Image": 0, "Network": 1, "Volume": 2, "Container": 3}
# "#7 [web 3/6] RUN useradd …" (Compose's internal BuildKit client, or several targets) or
# "#7 [3/6] RUN useradd …" (buildx bake with one target): one BuildKit step in --progress plain output.
BUILD_STEP = re.compile(r"^#(\d+) \[(?:(\S+) )?(\d+)/(\d+)\] (.*)$")
# "#7 CACHED": BuildKit took step #7 from its cache.
CACHED_STEP = re.compile(r"^#(\d+) CACHED\s*$")


def summarize(output: str) -> list[str]:
    """The last state of each object in Compose's progress lines, in a stable order.

    ``up`` and ``down`` interleave their progress lines differently from run to run;
    the final state of each network, volume and container does not. Other lines
    (warnings, errors) are kept, in their order, after the summary.
    """
    last: dict[tuple[str, str], str] = {}
    other: list[str] = []
    for line in output.splitlines():
        match = PROGRESS.match(line)
        if match:
            kind, name, state = match.groups()
            last[(kind, name)] = state
        elif line.strip():
            other.append(line.strip())
    ordered = sorted(last, key=lambda key: (KIND_ORDER.get(key[0], 9), key[1]))
    return [f"{kind} {name}: {last[(kind, name)]}" for kind, name in ordered] + other


def _numbered_steps(output: str) -> dict[tuple[str, int], tuple[str, str]]:
    """``{(target, n): (vertex number, "[target n/total] text")}`` of a BuildKit log, first sighting each.

    BuildKit shares a step with an earlier build that had the same step on the same parent
    (the same ``FROM`` and ``WORKDIR``) and keeps that build's label, total included:
    ``[2/5] WORKDIR`` can appear in a build of six steps. The total printed is therefore
    this build's own, its highest step number.
    """
    found: dict[tuple[str, int], tuple[str, str]] = {}
    for line in output.splitlines():
        match = BUILD_STEP.match(line)
        if match:
            vertex, target, n, _, text = match.groups()
            found.setdefault((target or "", int(n)), (vertex, text))
    totals: dict[str, int] = {}
    for target, n in found:
        totals[target] = max(totals.get(target, 0), n)
    steps = {}
    for (target, n), (vertex, text) in sorted(found.items()):
        label = f"[{target} {n}/{totals[target]}]" if target else f"[{n}/{totals[target]}]"
        steps[(target, n)] = (vertex, f"{label} {text}")
    return steps


def build_steps(output: str) -> list[str]:
    """The numbered steps of a BuildKit build (``[web 2/6] WORKDIR …`` or ``[2/6] WORKDIR …``), each once, in order."""
    return [text for _, text in _numbered_steps(output).values()]


def cached_steps(output: str) -> list[str]:
    """The numbered steps that BuildKit reported as ``CACHED`` (taken from its build cache), in order."""
    cached = {match.group(1) for line in output.splitlines() if (match := CACHED_STEP.match(line))}
    return [text for vertex, text in _numbered_steps(output).values() if vertex in cached]
