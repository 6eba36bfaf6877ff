"""The two editions of the notebooks: the normal one and the student one.

Each exercise is three code cells: an empty answer cell, a cell tagged ``solution`` and a
cell that calls ``check_…()``. The **student edition** drops the solution cells and clears
the outputs of the check cells (they showed the solution passing); everything else keeps
its stored outputs. In the **normal edition** the solution cells stay, with their source
collapsed in JupyterLab (``metadata.jupyter.source_hidden``) until a learner clicks them.

Command line::

    python -m workbook.editions student [--out student] [NOTEBOOK ...]
    python -m workbook.editions hide-solutions [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbformat import NotebookNode

SOLUTION_TAG = "solution"
CHECK_CALL = "check_"
# A call of an exercise check, ``check_name(`` (an import of one is not a check cell).
_CHECK_CALL = re.compile(r"\bcheck_\w+\s*\(")
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
EXERCISES = "## Exercises"
CLEANUP = "## Cleanup"
# An answer skeleton line: `name = ...` (several names allowed), an optional comment after it.
_SKELETON_LINE = re.compile(r"^[A-Za-z_]\w*(\s*,\s*[A-Za-z_]\w*)*\s*=\s*\.\.\.\s*(#.*)?$")


def is_solution(cell: NotebookNode) -> bool:
    """True for a cell tagged ``solution``."""
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def is_check(cell: NotebookNode) -> bool:
    """True for a code cell that calls an exercise check (``check_…(``)."""
    return cell.cell_type == "code" and calls_a_check(cell.source)


def calls_a_check(source: str) -> bool:
    """True when ``source`` calls ``check_…(`` (importing a check is not calling it)."""
    return bool(_CHECK_CALL.search(source))


def is_answer_skeleton(source: str) -> bool:
    """True for an answer cell as shipped: empty, comments, or ``name = ...`` lines only.

    A skeleton names what the check reads (``my_port = ...  # your answer``); left as it
    is, its check fails with CheckFailed instead of NameError.
    """
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    return all(line.startswith("#") or _SKELETON_LINE.match(line) for line in lines)


def exercise_cells(nb: NotebookNode) -> list[NotebookNode]:
    """The code cells a student runs for the exercises alone.

    The first code cell (it opens the notebook), every code cell of the "## Exercises"
    section, and the code cells of "## Cleanup".
    """
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    chosen: list[NotebookNode] = code[:1]
    inside = False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and EXERCISES in cell.source:
            inside = True
        elif inside and cell.cell_type == "code" and cell is not code[0]:
            chosen.append(cell)
    return chosen


def check_cells_after_solutions(nb: NotebookNode) -> list[int]:
    """Indexes of the check cells that follow a solution cell (consecutive code cells only)."""
    found: list[int] = []
    for index, cell in enumerate(nb.cells):
        if not is_solution(cell):
            continue
        after = index + 1
        while after < len(nb.cells) and nb.cells[after].cell_type == "code" and not is_solution(nb.cells[after]):
            if is_check(nb.cells[after]):
                found.append(after)
            after += 1
    return found


def student_edition(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` without solution cells and with the check cells' outputs cleared."""
    student = copy.deepcopy(nb)
    checks = set(check_cells_after_solutions(student))
    for index in checks:
        cell = student.cells[index]
        cell.outputs = []
        cell.execution_count = None
    student.cells = [cell for cell in student.cells if not is_solution(cell)]
    return student


def hide_solutions(nb: NotebookNode) -> bool:
    """Collapse the source of every solution cell in JupyterLab; True when ``nb`` changed.

    Idempotent: a second call changes nothing and returns False.
    """
    changed = False
    for cell in nb.cells:
        if is_solution(cell) and cell.metadata.get("jupyter", {}).get("source_hidden") is not True:
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            changed = True
    return changed


def notebook_paths(paths: Iterable[Path] = ()) -> list[Path]:
    """The given notebooks, or every numbered notebook of notebooks/ in order."""
    given = [Path(p) for p in paths]
    return given or sorted(NOTEBOOKS.glob(NOTEBOOK_GLOB))


def write_student_edition(paths: Iterable[Path], out_dir: Path) -> list[Path]:
    """Write the student edition of each notebook into ``out_dir``; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        target = out_dir / path.name
        nbformat.write(student_edition(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written


def hide_solutions_in(paths: Iterable[Path]) -> list[Path]:
    """Collapse the solution cells of each notebook in place; return the files that changed."""
    changed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if hide_solutions(nb):
            nbformat.write(nb, path)
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """Command line: ``student`` writes the student edition, ``hide-solutions`` collapses solutions."""
    parser = argparse.ArgumentParser(prog="python -m workbook.editions", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    student = commands.add_parser("student", help="write the student edition (solutions removed)")
    student.add_argument("--out", type=Path, default=Path("student"), help="output folder (default: student)")
    student.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN-*.ipynb")
    hide = commands.add_parser("hide-solutions", help="collapse solution cells in JupyterLab, in place")
    hide.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN-*.ipynb")
    args = parser.parse_args(argv)
    paths = notebook_paths(args.notebooks)
    if args.command == "student":
        written = write_student_edition(paths, args.out)
        print(f"student edition: {len(written)} notebooks in {args.out}/ (solutions removed, check outputs cleared)")
    else:
        changed = hide_solutions_in(paths)
        print(f"solution cells collapsed in {len(changed)} of {len(paths)} notebooks")
        for path in changed:
            print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
