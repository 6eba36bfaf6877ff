"""The base images the workbook needs, by role, and the names ``make setup`` resolved for them.

``make setup`` writes the resolution to ``compose/.env`` (``PYTHON_IMAGE=…``), which
Compose and the notebooks both read through ``resolved(role)``. How a role is resolved
(pulled, or a substitute built) is ``workbook.images``'s job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from workbook.errors import ImageUnavailable
from workbook.layout import ROOT

ENV_FILE = ROOT / "compose" / ".env"
SUBSTITUTES = ROOT / "docker" / "substitutes"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
SUBSTITUTE_LABEL = "org.workbook.substitute"
RECIPE_LABEL = "org.workbook.recipe"
DEBIAN_SUITE = "trixie"
DEBIAN_MIRROR = "deb http://deb.debian.org/debian trixie main"


@dataclass(frozen=True)
class BaseImage:
    """One image the workbook needs, by role."""

    role: str
    env_var: str
    official: str
    substitute: str
    note: str

    @property
    def recipe_dir(self) -> Path:
        """Folder of the substitute's recipe (packages.txt, Dockerfile, extra files)."""
        return SUBSTITUTES / self.role


BASE_IMAGES: tuple[BaseImage, ...] = (
    BaseImage(
        "python",
        "PYTHON_IMAGE",
        "python:3.13-slim",
        "workbook-substitute/python:3.13-slim",
        "Debian 13's Python 3.13 (as in python:3.13-slim) with pip allowed, `python` on PATH, host CA trusted",
    ),
    BaseImage(
        "redis",
        "REDIS_IMAGE",
        "redis:8",
        "workbook-substitute/redis:8",
        "Debian 13's redis-server 8.0, protected mode off as in the official image",
    ),
    BaseImage(
        "registry",
        "REGISTRY_IMAGE",
        "registry:3",
        "workbook-substitute/registry:3",
        "Debian 13's docker-registry: distribution 2.8, not 3; registry:3's config path and entrypoint",
    ),
)


def by_role(role: str) -> BaseImage:
    """The BaseImage for ``role`` ('python', 'redis' or 'registry')."""
    for image in BASE_IMAGES:
        if image.role == role:
            return image
    raise KeyError(role)


@dataclass(frozen=True)
class Resolution:
    """Which image a role resolved to, and how."""

    role: str
    image: str
    how: str  # "official, present" | "official, pulled" | "substitute, built" | "substitute, cached"


def read_env_file(path: Path | None = None) -> dict[str, str]:
    """Parse KEY=VALUE lines of a Compose .env file (comments and blanks skipped)."""
    path = path or ENV_FILE
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip().strip("'\"")
    return values


def write_env_file(resolutions: list[Resolution], path: Path | None = None) -> None:
    """Record the resolved images for Compose (``${PYTHON_IMAGE}``) and the notebooks."""
    path = path or ENV_FILE
    lines = [
        "# Written by `make setup` (workbook/images.py); machine-specific, not committed.",
        "# The base images this machine resolved: official where present or pullable, else substitutes.",
    ]
    for resolution in resolutions:
        lines.append(f"{by_role(resolution.role).env_var}={resolution.image}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def resolved(role: str) -> str:
    """The image name ``make setup`` resolved for ``role``; a clear error if setup has not run."""
    base = by_role(role)
    value = os.environ.get(base.env_var) or read_env_file().get(base.env_var)
    if not value:
        raise ImageUnavailable(
            f"No image is recorded for {role} in {ENV_FILE.relative_to(ROOT)}. Run `make setup` first."
        )
    return value
