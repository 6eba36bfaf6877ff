"""Docker Compose for a notebook: one project name, stable output, complete cleanup.

``project`` runs ``docker compose`` (``Project``, ``down_all``) and records each project
name; ``output`` reads Compose's and BuildKit's plain output into stable lines;
``figure`` draws the running stacks. Every name is also importable from here.
"""

from __future__ import annotations

from workbook.compose.figure import draw_stacks
from workbook.compose.output import (
    BUILD_STEP,
    CACHED_STEP,
    KIND_ORDER,
    PROGRESS,
    build_steps,
    cached_steps,
    summarize,
)
from workbook.compose.project import (
    COMPOSE_DIR,
    PROJECT_LABEL,
    RECORD_DIR,
    SERVICE_LABEL,
    Project,
    down_all,
    listed_projects,
    record_file,
    record_project,
    recorded_projects,
)
from workbook.ports import free_port_range
from workbook.web import wait_for_new_answer

__all__ = [
    "BUILD_STEP",
    "CACHED_STEP",
    "COMPOSE_DIR",
    "KIND_ORDER",
    "PROGRESS",
    "PROJECT_LABEL",
    "RECORD_DIR",
    "SERVICE_LABEL",
    "Project",
    "build_steps",
    "cached_steps",
    "down_all",
    "draw_stacks",
    "free_port_range",
    "listed_projects",
    "record_file",
    "record_project",
    "recorded_projects",
    "summarize",
    "wait_for_new_answer",
]
