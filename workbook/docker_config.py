"""A throwaway ``DOCKER_CONFIG`` folder, so the user's own ``~/.docker`` is never touched.

The docker CLI keeps its client-side state in one folder: ``config.json`` (registry
logins under ``auths``, ``credsStore``/``credHelpers``, ``currentContext``, output
formats) and ``contexts/``. It is ``~/.docker`` unless ``DOCKER_CONFIG`` names another.
``TempDockerConfig`` makes a fresh one in the temp folder; pass ``.env`` to every
command that should use it (``workbook.cli.run(..., env=cfg.env)``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from workbook.cleanup import track_path
from workbook.errors import WorkbookError


class UnsafeConfigPath(WorkbookError):
    """A temporary docker config was asked to live inside the user's home folder."""


def home_docker_dir() -> Path:
    """The user's own docker client folder (what the CLI uses without DOCKER_CONFIG)."""
    return Path.home() / ".docker"


CLIENT_STATE = ("config.json", "contexts")
"""What the docker CLI's own commands write in its config folder: settings, logins, contexts.

(``buildx/`` and other plugin folders also live there; builds write to them, and on a shared
machine other people's builds do too, so ``snapshot`` leaves them out by default.)
"""


def snapshot(folder: Path | None = None, include: tuple[str, ...] | None = CLIENT_STATE) -> dict[str, str]:
    """``{relative path: sha256}`` of the files under ``folder`` (default ``~/.docker``); {} if absent.

    Only the entries named in ``include`` (files or folders directly in ``folder``) count;
    ``include=None`` takes everything. Two equal snapshots taken before and after some
    work prove that the work did not add, remove or change such a file.
    """
    folder = folder or home_docker_dir()
    if not folder.is_dir():
        return {}
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    if include is not None:
        files = [path for path in files if path.relative_to(folder).parts[0] in include]
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


class TempDockerConfig:
    """A fresh docker client config folder under the system temp dir (never under $HOME).

    Pass ``env`` to one command (``DOCKER_CONFIG=… docker login``), or open it with
    ``with``, which also sets ``os.environ["DOCKER_CONFIG"]`` while it is open (the SDK
    and ``!docker`` then read it) and removes the folder afterwards. Given a notebook's
    name, the folder is tracked, so that an interrupted run's cleanup removes it too.
    """

    def __init__(self, notebook: str | None = None, base: str | Path | None = None) -> None:
        base_dir = Path(base or tempfile.gettempdir()).resolve()
        home = Path.home().resolve()
        if base_dir == home or home in base_dir.parents:
            raise UnsafeConfigPath(
                f"A temporary DOCKER_CONFIG must not live under your home folder ({home}); "
                "use the system temp dir (the default)."
            )
        self.path = Path(tempfile.mkdtemp(prefix="workbook-docker-config-", dir=base_dir))
        if notebook:
            track_path(notebook, self.path)
        self._previous: str | None = None
        self._set_env = False

    @property
    def env(self) -> dict[str, str]:
        """Environment for a command that must use this config: ``{"DOCKER_CONFIG": path}``."""
        return {"DOCKER_CONFIG": str(self.path)}

    @property
    def config_file(self) -> Path:
        """This folder's config.json (``docker login`` writes it)."""
        return self.path / "config.json"

    def read(self) -> dict[str, Any]:
        """config.json as a dict ({} when the CLI has not written one yet)."""
        if not self.config_file.exists():
            return {}
        return json.loads(self.config_file.read_text())

    def write(self, config: dict[str, Any]) -> Path:
        """Write ``config`` as config.json (the CLI reads it on its next start)."""
        self.config_file.write_text(json.dumps(config, indent=2) + "\n")
        return self.config_file

    def files(self) -> list[str]:
        """Every file in the folder, relative, sorted."""
        return sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file())

    def stored_credentials(self, registry: str) -> tuple[str, str] | None:
        """Decode the ``auth`` entry of ``registry``: (user, password), or None. Base64 is no encryption."""
        entry = self.read().get("auths", {}).get(registry, {})
        if not entry.get("auth"):
            return None
        user, _, password = base64.b64decode(entry["auth"]).decode().partition(":")
        return user, password

    def remove(self) -> None:
        """Restore the previous DOCKER_CONFIG (when set by ``with``) and delete the folder."""
        if self._set_env:
            if self._previous is None:
                os.environ.pop("DOCKER_CONFIG", None)
            else:
                os.environ["DOCKER_CONFIG"] = self._previous
            self._set_env = False
        shutil.rmtree(self.path, ignore_errors=True)

    close = remove

    def __enter__(self) -> TempDockerConfig:
        self._previous = os.environ.get("DOCKER_CONFIG")
        os.environ["DOCKER_CONFIG"] = str(self.path)
        self._set_env = True
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()
