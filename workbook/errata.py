"""Notebook 12's plumbing: the verdict table, its links into the notebooks, and the file diffs.

Links point at a notebook file and name the section in their text (and title). A heading
anchor would have to be formed two ways: JupyterLab makes a heading's id from its text
with spaces turned into ``-`` (``1.-The-article's-Dockerfile,-exactly-as-printed``);
Jupyter Book 1.x (docutils) lowercases it and drops the number and punctuation
(``the-article-s-dockerfile-exactly-as-printed``), and MyST warns about any fragment unless
``myst_heading_anchors`` is set. No one fragment reaches the section in both.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from workbook.article import CLAIMS, VERDICTS, Claim, Evidence

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NUMBERED = re.compile(r"^(\d+)\. ")


def notebook_file(stem: str, folder: Path = NOTEBOOKS) -> Path:
    """``notebooks/<stem>.ipynb``."""
    return folder / f"{stem}.ipynb"


def headings(path: Path) -> list[str]:
    """The text of every Markdown heading (``#`` to ``######``) in the notebook at ``path``."""
    found = []
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        found += [m.group(1).strip() for m in re.finditer(r"(?m)^#{1,6} +(.+)$", source)]
    return found


def link(evidence: Evidence) -> str:
    """A Markdown link to the evidence: ``[02 §1](02-dockerfile.ipynb "1. The article's …")``."""
    number = evidence.notebook[:2]
    target = f"{evidence.notebook}.ipynb"
    if evidence.heading is None:
        return f"[{number}]({target})"
    numbered = NUMBERED.match(evidence.heading)
    text = f"{number} §{numbered.group(1)}" if numbered else f"{number}: {evidence.heading}"
    return f'[{text}]({target} "{evidence.heading}")'


def link_problems(claims: Iterable[Claim] = CLAIMS, folder: Path = NOTEBOOKS) -> tuple[list[str], list[str]]:
    """(problems, absent): evidence whose heading its notebook lacks; notebooks not in ``folder`` yet."""
    problems, absent = [], []
    cache: dict[str, list[str]] = {}
    for claim in claims:
        for evidence in claim.evidence:
            path = notebook_file(evidence.notebook, folder)
            if not path.exists():
                absent.append(path.name)
                continue
            cache.setdefault(evidence.notebook, headings(path))
            if evidence.heading is not None and evidence.heading not in cache[evidence.notebook]:
                problems.append(f"{claim.key}: {path.name} has no heading {evidence.heading!r}")
    return problems, sorted(set(absent))


def cell(text: str) -> str:
    """``text`` made safe for one cell of a Markdown table."""
    return text.replace("|", "\\|").replace("\n", " ")


def said(claim: Claim) -> str:
    """The quote (as code when it is code, in corner brackets when it is prose) and its translation."""
    quote = f"`{claim.quote}`" if claim.quote.isascii() else f"「{claim.quote}」"
    return f"{quote} — *{claim.translation}*"


def table(claims: Iterable[Claim] = CLAIMS) -> str:
    """The verdict table in Markdown: one row per claim, in the article's order."""
    rows = [
        "| # | Where | The article says | Verdict | Why | Run in |",
        "|---|---|---|---|---|---|",
    ]
    for i, claim in enumerate(claims, 1):
        shown = ", ".join(link(e) for e in claim.evidence) or "—"
        rows.append(
            f"| {i} | {claim.part} | {cell(said(claim))} | **{claim.verdict}** | {cell(claim.note) or '—'} | {shown} |"
        )
    return "\n".join(rows) + "\n"


def counts(claims: Iterable[Claim] = CLAIMS) -> dict[str, int]:
    """How many claims got each verdict, in the order of VERDICTS."""
    counted = Counter(claim.verdict for claim in claims)
    return {verdict: counted.get(verdict, 0) for verdict in VERDICTS}


def diff(article: str, ours: str, article_name: str, our_name: str) -> list[str]:
    """A unified diff (no context lines) from the article's file to the workbook's."""
    return list(
        difflib.unified_diff(
            article.splitlines(), ours.splitlines(), f"article: {article_name}", our_name, n=0, lineterm=""
        )
    )


def removed(lines: list[str]) -> list[str]:
    """The lines a diff takes away (``-`` lines), without the marker."""
    return [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]


def added(lines: list[str]) -> list[str]:
    """The lines a diff adds (``+`` lines), without the marker."""
    return [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++")]


def flask_debug_with(name: str, value: str) -> bool:
    """``Flask(...).debug`` of a new app, with only ``name=value`` of FLASK_ENV/FLASK_DEBUG set (restored after)."""
    import flask  # the app's pinned Flask, installed in the workbook's virtualenv too

    saved = {key: os.environ.pop(key, None) for key in ("FLASK_ENV", "FLASK_DEBUG")}
    os.environ[name] = value
    try:
        return flask.Flask("probe").debug
    finally:
        os.environ.pop(name, None)
        os.environ.update({key: old for key, old in saved.items() if old is not None})
