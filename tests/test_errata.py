"""Tests of workbook.article and workbook.errata: the verdict table of notebook 12 and its links."""

from __future__ import annotations

import json

import pytest

from workbook.article import ARTICLE_COMPOSE, ARTICLE_DOCKERFILE, CLAIMS, REQUIRED, VERDICTS, Claim, Evidence
from workbook.errata import (
    NOTEBOOKS,
    added,
    counts,
    diff,
    flask_debug_with,
    headings,
    link,
    link_problems,
    notebook_file,
    removed,
    table,
)

EVIDENCE = sorted({e for claim in CLAIMS for e in claim.evidence}, key=lambda e: (e.notebook, e.heading or ""))


def write_notebook(path, *sources):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": source} for source in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_claims_are_unique_and_have_known_verdicts():
    keys = [claim.key for claim in CLAIMS]
    assert len(keys) == len(set(keys))
    assert {claim.verdict for claim in CLAIMS} <= set(VERDICTS)
    assert all(claim.quote and claim.translation and claim.part.startswith("§") for claim in CLAIMS)


def test_the_claims_issue_12_names_are_all_there():
    assert set(REQUIRED) <= {claim.key for claim in CLAIMS}


def test_the_article_files_keep_their_typos():
    assert "COPY requirements.txt.\n" in ARTICLE_DOCKERFILE and "\nCOPY..\n" in ARTICLE_DOCKERFILE
    assert "    build:./" in ARTICLE_COMPOSE and "      -./:/usr/src/app" in ARTICLE_COMPOSE


def test_claims_that_run_are_linked_and_unverifiable_ones_are_not():
    for claim in CLAIMS:
        if claim.verdict == "unverifiable":
            assert claim.evidence == (), claim.key
        else:
            assert claim.evidence, f"{claim.key}: a {claim.verdict} claim needs a link to where it runs"


@pytest.mark.parametrize("evidence", EVIDENCE, ids=lambda e: f"{e.notebook}:{e.heading}")
def test_every_link_names_a_heading_its_notebook_has(evidence):
    path = notebook_file(evidence.notebook)
    if not path.exists():
        pytest.skip(f"{path.name} is not in this tree yet")
    if evidence.heading is not None:
        assert evidence.heading in headings(path), f"{path.name} has no heading {evidence.heading!r}"


def test_link_problems_reports_a_missing_heading_and_skips_a_missing_notebook(tmp_path):
    write_notebook(tmp_path / "02-x.ipynb", "# 02 — X\n\n## 1. First\n", ["### Deeper\n", "text"])
    claims = [
        Claim("ok", "§1", "q", "t", "correct", "", (Evidence("02-x", "1. First"), Evidence("02-x", "Deeper"))),
        Claim("bad", "§1", "q", "t", "wrong", "", (Evidence("02-x", "2. Second"),)),
        Claim("later", "§1", "q", "t", "wrong", "", (Evidence("09-y", "1. Any"),)),
    ]
    problems, absent = link_problems(claims, tmp_path)
    assert problems == ["bad: 02-x.ipynb has no heading '2. Second'"]
    assert absent == ["09-y.ipynb"]


def test_the_real_table_has_no_broken_link():
    problems, absent = link_problems()
    assert problems == []
    assert set(absent) <= {"09-production.ipynb", "10-performance.ipynb", "11-swarm.ipynb"}


def test_links_name_the_notebook_and_the_section():
    assert link(Evidence("02-dockerfile", "1. The start")) == '[02 §1](02-dockerfile.ipynb "1. The start")'
    assert (
        link(Evidence("00-setup", "A first container")) == '[00: A first container](00-setup.ipynb "A first container")'
    )
    assert link(Evidence("10-performance")) == "[10](10-performance.ipynb)"


def test_table_has_one_row_per_claim_and_escapes_pipes():
    claims = [Claim("a", "§1", "x | y", "t", "typo", "n", ()), Claim("b", "§2", "中文", "t", "correct", "", ())]
    rows = table(claims).splitlines()
    assert len(rows) == 4 and "`x \\| y`" in rows[2] and "「中文」" in rows[3] and rows[3].endswith("| — | — |")
    assert len(table().splitlines()) == len(CLAIMS) + 2


def test_counts_follow_the_verdict_order():
    claims = [Claim("a", "§1", "q", "t", "typo", ""), Claim("b", "§1", "q", "t", "typo", "")]
    assert counts(claims) == {"correct": 0, "outdated": 0, "wrong": 0, "typo": 2, "unverifiable": 0}
    assert sum(counts().values()) == len(CLAIMS)


def test_diff_lists_what_went_and_what_came():
    lines = diff("FROM a\nCOPY x\n", "FROM b\nCOPY x\nUSER 1\n", "Dockerfile", "docker/Dockerfile")
    assert lines[:2] == ["--- article: Dockerfile", "+++ docker/Dockerfile"]
    assert removed(lines) == ["FROM a"] and added(lines) == ["FROM b", "USER 1"]


def test_headings_reads_markdown_cells_only(tmp_path):
    path = write_notebook(tmp_path / "n.ipynb", "# Title\ntext\n## 2. Two `code`\n")
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "code", "metadata": {}, "source": "# not a heading", "outputs": []})
    path.write_text(json.dumps(nb))
    assert headings(path) == ["Title", "2. Two `code`"]
    assert NOTEBOOKS.name == "notebooks"


def test_flask_env_no_longer_turns_debug_on_and_the_environment_is_restored(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "0")
    monkeypatch.delenv("FLASK_ENV", raising=False)
    assert flask_debug_with("FLASK_ENV", "development") is False
    assert flask_debug_with("FLASK_DEBUG", "1") is True
    import os

    assert os.environ.get("FLASK_DEBUG") == "0" and "FLASK_ENV" not in os.environ
