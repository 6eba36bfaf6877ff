"""Run a few lines in a real Jupyter kernel, as a notebook cell would, and report what it showed.

``python -m workbook.drills.probe '["CELL", …]'`` runs the cells in one kernel (starting a
kernel takes seconds) and prints a JSON list, one object per cell: its printed text and,
when it raised, the lines of the error exactly as the notebook would show them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping

import nbformat
from nbclient import NotebookClient


def run_cells(
    cells: list[str],
    cwd: str | None = None,
    timeout: int = 120,
    before: Mapping[int, Callable[[], None]] | None = None,
) -> list[dict]:
    """Execute ``cells`` in order in one fresh kernel; for each {"text": ..., "error": [lines] | None}.

    ``before[i]``, when given, runs on the host just before cell ``i`` (the kernel keeps its state).
    """
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells])
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": cwd}}
    )
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if before and index in before:
                before[index]()
            client.execute_cell(cell, index)
    found = []
    for cell in notebook.cells:
        outputs = cell.get("outputs", [])
        text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
        errors = [o for o in outputs if o.get("output_type") == "error"]
        lines = [line for o in errors for line in "\n".join(o.get("traceback", [])).splitlines()]
        found.append({"text": text, "error": lines if errors else None})
    return found


if __name__ == "__main__":
    print(json.dumps(run_cells(json.loads(sys.argv[1]), cwd=os.getcwd())))
