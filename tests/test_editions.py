"""The student edition and the collapsed solutions, on tiny notebooks built with nbformat."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from workbook import editions


def exercise_notebook() -> nbformat.NotebookNode:
    """A title, a cell with output, then one exercise: answer cell, solution, check."""
    return new_notebook(
        cells=[
            new_markdown_cell("# 99 — Tiny"),
            new_code_cell("print('hello')", execution_count=1, outputs=[new_output("stream", text="hello\n")]),
            new_markdown_cell("## Exercises\n\nStore the answer in `answer`."),
            new_code_cell(""),
            new_code_cell("answer = 42", metadata={"tags": ["solution"]}, execution_count=2),
            new_code_cell(
                "check_answer(answer)", execution_count=3, outputs=[new_output("stream", text="ok: 42 is right\n")]
            ),
            new_markdown_cell("## Cleanup"),
            new_code_cell("nb.cleanup()", execution_count=4, outputs=[new_output("stream", text="removed 0\n")]),
        ]
    )


def test_student_edition_removes_solutions_and_clears_checks():
    nb = exercise_notebook()
    student = editions.student_edition(nb)
    sources = [c.source for c in student.cells]
    assert "answer = 42" not in sources
    assert len(student.cells) == len(nb.cells) - 1
    check = next(c for c in student.cells if c.source.startswith("check_answer"))
    assert check.outputs == [] and check.execution_count is None
    kept = next(c for c in student.cells if c.source == "print('hello')")
    assert kept.outputs[0]["text"] == "hello\n" and kept.execution_count == 1
    cleanup = student.cells[-1]
    assert cleanup.outputs[0]["text"] == "removed 0\n"
    assert any(c.cell_type == "code" and c.source == "" for c in student.cells), "the answer cell stays"


def test_student_edition_leaves_the_original_alone():
    nb = exercise_notebook()
    editions.student_edition(nb)
    assert len(nb.cells) == 8 and nb.cells[5].outputs


def test_check_cells_are_only_those_after_a_solution():
    nb = exercise_notebook()
    nb.cells.insert(1, new_code_cell("check_setup()", outputs=[new_output("stream", text="engine ok\n")]))
    assert editions.check_cells_after_solutions(nb) == [6]
    student = editions.student_edition(nb)
    assert student.cells[1].outputs, "a check outside an exercise keeps its output"


def test_write_student_edition(tmp_path):
    source = tmp_path / "99-tiny.ipynb"
    nbformat.write(exercise_notebook(), source)
    written = editions.write_student_edition([source], tmp_path / "student")
    assert written == [tmp_path / "student" / "99-tiny.ipynb"]
    student = nbformat.read(written[0], as_version=4)
    assert not any(editions.is_solution(c) for c in student.cells)
    nbformat.validate(student)


def test_hide_solutions_is_idempotent(tmp_path):
    path = tmp_path / "99-tiny.ipynb"
    nbformat.write(exercise_notebook(), path)
    assert editions.hide_solutions_in([path]) == [path]
    first = path.read_bytes()
    assert editions.hide_solutions_in([path]) == []
    assert path.read_bytes() == first
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[4].metadata["jupyter"] == {"source_hidden": True}
    assert all("jupyter" not in c.metadata for c in nb.cells if not editions.is_solution(c))


def test_command_line(tmp_path, capsys):
    path = tmp_path / "99-tiny.ipynb"
    nbformat.write(exercise_notebook(), path)
    assert editions.main(["student", "--out", str(tmp_path / "out"), str(path)]) == 0
    assert (tmp_path / "out" / "99-tiny.ipynb").exists()
    assert editions.main(["hide-solutions", str(path)]) == 0
    assert "collapsed in 1 of 1" in capsys.readouterr().out


def test_answer_skeletons():
    assert editions.is_answer_skeleton("")
    assert editions.is_answer_skeleton("my_port = ...  # your answer\nmy_server = ...")
    assert editions.is_answer_skeleton("# write your Dockerfile here\nfound_user, found_password = ...")
    assert not editions.is_answer_skeleton("my_port = 5050")
    assert not editions.is_answer_skeleton("!docker ps")


def test_exercise_cells_are_the_first_cell_the_exercises_and_the_cleanup():
    nb = exercise_notebook()
    nb.cells.insert(2, new_code_cell("lesson = 1"))
    sources = [c.source for c in editions.exercise_cells(nb)]
    assert sources == ["print('hello')", "", "answer = 42", "check_answer(answer)", "nb.cleanup()"]
