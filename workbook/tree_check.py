"""After the notebooks ran: the files their cells write must equal the committed ones."""

from __future__ import annotations

import subprocess
import sys

from workbook.layout import ROOT

WRITTEN_BY_NOTEBOOKS = ("app", "docker", "compose", "notebooks")


def changed_files() -> list[str]:
    """`git status --porcelain` lines under the folders the notebooks write."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "--", *WRITTEN_BY_NOTEBOOKS], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        return []  # not a git checkout (an unpacked archive): nothing to compare with
    return [line for line in done.stdout.splitlines() if line.strip()]


def main() -> int:
    """Exit 1, naming the files, when the notebooks left the tree different from git."""
    changed = changed_files()
    if changed:
        print("The notebooks left files different from the committed ones (git status):", file=sys.stderr)
        for line in changed:
            print(f"  {line}", file=sys.stderr)
        print("Commit the change if the notebook meant it, or fix the cell that writes the file.", file=sys.stderr)
        return 1
    print("Tree check: the files the notebooks write equal the committed ones.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
