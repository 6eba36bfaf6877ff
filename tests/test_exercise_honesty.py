"""Issue 10: the exercise checks grade honestly.

**Unsolved, every check fails with CheckFailed.** The student edition of each notebook
(``workbook.editions``: solution cells removed) is written to a temporary folder, and a
kernel of this virtualenv (cwd: the notebooks' folder, so relative paths work) runs only:
the notebook's FIRST code cell, every code cell of its "## Exercises" section as the
student edition has it (answer cells as shipped: empty or a skeleton such as
``my_port = ...``), then its Cleanup cell. Every check cell must fail with ``CheckFailed``
(the ``ename`` of its error output) and no other cell may fail. Running only those cells,
not the lessons, is what keeps the test cheap (about 40 s for all notebooks on a quiet machine);
it also proves that no check leans on a lesson variable (it would raise NameError) or on
a lesson object (it would pass): exercises use objects with exercise-specific names.

**Solved, every check passes.** nbval executes the normal notebooks (``make test``) and
compares each cell with its stored output; here we assert that every check cell follows
its solution and that its stored output starts with "✓", so nbval proves the solutions pass.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from workbook.editions import calls_a_check, exercise_cells, is_solution, write_student_edition
from workbook.runlock import notebook_lock

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def is_check(source: str) -> bool:
    return calls_a_check(source)


def errors(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The student edition of every notebook, written by ``workbook.editions`` into a temporary folder."""
    out = tmp_path_factory.mktemp("student")
    write_student_edition(NOTEBOOKS, out)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_unsolved_checks_fail_with_checkfailed(path: Path, student_dir: Path) -> None:
    student = nbformat.read(student_dir / path.name, as_version=4)
    cells = exercise_cells(student)
    assert any(is_check(c.source) for c in cells), f"{path.name}: no check cell in its Exercises section"
    run = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source) for c in cells])
    run.metadata = student.metadata
    # The kernel's cwd is the real notebooks/ folder: the exercises use ../app, ../compose, ...
    # The normal notebook may be running on the other worker: its first cell and ours would
    # each remove the other's objects, so one run at a time (workbook.runlock).
    with notebook_lock(path.stem):
        NotebookClient(
            run,
            timeout=300,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
    problems = []
    for cell in run.cells:
        failed = errors(cell)
        head = cell.source.strip().splitlines()[-1][:70] if cell.source.strip() else "(empty answer cell)"
        if is_check(cell.source):
            if not failed:
                problems.append(f"check passed unsolved: {head!r}")
            elif failed[0].ename != "CheckFailed":
                problems.append(f"check raised {failed[0].ename} ({failed[0].evalue[:120]}), not CheckFailed: {head!r}")
        elif failed:
            problems.append(f"cell failed with {failed[0].ename}: {failed[0].evalue[:160]} in {head!r}")
    assert not problems, f"{path.name} (student edition): " + "; ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_solved_checks_pass_in_the_normal_edition(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    checks = [i for i, c in enumerate(code) if is_check(c.source) and not is_solution(c)]
    assert checks, f"{path.name}: no check cells"
    for i in checks:
        before = [c for c in code[:i] if c.source.strip()]
        assert before and is_solution(before[-1]), f"{path.name}: check {code[i].source[-60:]!r} follows no solution"
        text = "".join(o.get("text", "") for o in code[i].outputs if o.output_type == "stream")
        assert text.startswith("✓"), f"{path.name}: the stored output of {code[i].source[-60:]!r} is not a pass"
