"""Where things are: the repository, the workbook's state folder, the label every object carries."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository's top folder (app/, docker/, compose/ and notebooks/ live below it)."""

STATE_DIR = ROOT / ".workbook"
"""Machine-local state (not committed): pid files, tracked paths, Compose records, logs, caches."""

LABEL = "org.workbook.notebook"
"""Every container, network, volume and image a notebook makes carries this label."""
