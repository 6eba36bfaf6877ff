"""Convention (issue 10): in the normal edition every solution cell is collapsed in JupyterLab,
so a learner sees the empty answer cell and the check, and opens the solution only by a click.
`make hide-solutions` sets it; this test says which notebooks still need it."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from workbook.editions import is_solution

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def hidden(cell: nbformat.NotebookNode) -> bool:
    return cell.metadata.get("jupyter", {}).get("source_hidden") is True


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_solution_cells_are_source_hidden(path):
    cells = nbformat.read(path, as_version=4).cells
    shown = [i for i, c in enumerate(cells) if is_solution(c) and not hidden(c)]
    assert not shown, f"{path.name}: solution cells {shown} are not collapsed; run `make hide-solutions`"
