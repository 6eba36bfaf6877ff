"""Files that `sudo make setup` writes go back to the user who ran sudo.

Run under sudo, setup creates ``.venv``, ``.workbook/`` and ``compose/.env`` as root, and
the next plain `make lab` cannot write them. ``give_back`` hands them to ``SUDO_UID``;
``unwritable`` finds what an older setup left owned by someone else, for a one-line fix.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from workbook.layout import ROOT, STATE_DIR

SETUP_PATHS = (ROOT / ".venv", STATE_DIR, ROOT / "compose" / ".env")
"""What setup writes inside the checkout."""


def sudo_owner(environ: Mapping[str, str] | None = None) -> tuple[int, int] | None:
    """(uid, gid) of the user who ran sudo, when this process is root under sudo; else None."""
    environ = os.environ if environ is None else environ
    uid, gid = environ.get("SUDO_UID", ""), environ.get("SUDO_GID", "")
    if os.geteuid() != 0 or not uid.isdigit() or not gid.isdigit() or int(uid) == 0:
        return None
    return int(uid), int(gid)


def _walk(path: Path) -> Iterable[Path]:
    """``path`` and, for a real folder (not a symlink to one), everything below it."""
    yield path
    if path.is_dir() and not path.is_symlink():
        for folder, dirs, files in os.walk(path):
            for name in dirs + files:
                yield Path(folder) / name


def give_back(owner: tuple[int, int], paths: Iterable[Path] = SETUP_PATHS) -> int:
    """``lchown`` every path (recursively, never through a symlink) to ``owner``; return how many changed."""
    changed = 0
    for top in paths:
        if not top.exists() and not top.is_symlink():
            continue
        for path in _walk(top):
            st = path.lstat()
            if (st.st_uid, st.st_gid) != owner:
                os.lchown(path, *owner)
                changed += 1
    return changed


def unwritable(paths: Iterable[Path] = SETUP_PATHS) -> list[Path]:
    """The setup paths (and first-level entries of the folders) this user cannot write."""
    found = []
    for top in paths:
        if not top.exists() or top.is_symlink():
            continue
        candidates = [top] + (sorted(top.iterdir()) if top.is_dir() else [])
        found += [path for path in candidates if not path.is_symlink() and not os.access(path, os.W_OK)]
    return found


def fix_hint(paths: list[Path], tops: Iterable[Path] = SETUP_PATHS) -> str:
    """One line: which setup files the user cannot write, and the command that gives them back."""
    tops = list(tops)
    named = {next((top for top in tops if path == top or top in path.parents), path) for path in paths}
    names = sorted(os.path.relpath(p, ROOT) if p.is_relative_to(ROOT) else str(p) for p in named)
    return (
        f"{', '.join(names)} belong to another user (an earlier `sudo make setup`?): "
        f"run `sudo chown -R $(id -u):$(id -g) {' '.join(names)}` once, then make again."
    )
