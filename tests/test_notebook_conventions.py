"""Suite-level checks of design §5: every notebook has the same shape and is saved executed."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from workbook.editions import is_answer_skeleton

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_notebooks_are_numbered_without_gaps():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(len(numbers))), numbers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_structure(path):
    nb = load(path)
    text = markdown(nb)
    assert nb.cells[0].cell_type == "markdown" and re.match(rf"# {path.name[:2]} — ", nb.cells[0].source)
    for heading in ("What you will learn", "What you need first", "## Summary", "## Exercises", "## Cleanup"):
        assert heading in text, f"{path.name}: missing '{heading}'"
    assert ".ipynb)" in nb.cells[0].source, f"{path.name}: the title cell needs navigation links"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_cell_opens_the_notebook_and_last_cell_cleans_up(path):
    cells = code_cells(load(path))
    assert f'workbook.Notebook("{path.stem}")' in cells[0].source
    assert "nb.cleanup()" in cells[-1].source and "assert" in cells[-1].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_executed_without_unexpected_errors(path):
    for cell in code_cells(load(path)):
        tags = set(cell.metadata.get("tags", []))
        assert cell.execution_count is not None, f"{path.name}: unexecuted cell {cell.source[:40]!r}"
        raises = "raises-exception" in tags or "NBVAL_RAISES_EXCEPTION" in cell.source
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert raises or not errors, f"{path.name}: stored error in {cell.source[:40]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercises_have_a_solution_and_a_check(path):
    cells = [c for c in load(path).cells if c.cell_type == "code"]
    solutions = [i for i, c in enumerate(cells) if "solution" in c.metadata.get("tags", [])]
    assert solutions, f"{path.name}: no solution cells"
    for i in solutions:
        assert is_answer_skeleton(cells[i - 1].source), (
            f"{path.name}: a solution must follow an answer cell for the student: empty, or `name = ...` lines"
        )
        after = "\n".join(c.source for c in cells[i + 1 : i + 3])
        assert "check" in after, f"{path.name}: a solution must be followed by a check"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_ignored_outputs_are_rare(path):
    cells = code_cells(load(path))
    ignored = [
        c for c in cells if "NBVAL_IGNORE_OUTPUT" in c.source or "nbval-ignore-output" in c.metadata.get("tags", [])
    ]
    assert len(ignored) <= 0.2 * len(cells), f"{path.name}: {len(ignored)} of {len(cells)} cells ignore their output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_code_cell_is_short(path):
    """Issue 14: the first code cell opens the notebook; imports go next to their first use."""
    first = code_cells(load(path))[0]
    lines = first.source.strip().splitlines()
    assert len(lines) <= 12, f"{path.name}: the first code cell has {len(lines)} lines, at most 12"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_doubled_go_template_braces_in_outputs(path):
    """Issue 14: `{{{{` in an output means a Go template was escaped twice; use `fmt = "{{.Names}}"` and `$fmt`."""
    for cell in code_cells(load(path)):
        for output in cell.outputs:
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert "{{{{" not in text, f"{path.name}: output of {cell.source[:40]!r} contains '{{{{'"
