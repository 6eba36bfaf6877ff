"""Credentials outside ``~/.docker``: a login into a temporary DOCKER_CONFIG, a toy credential helper."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from workbook.errors import RegistryError
from workbook.registry.config import htpasswd_line

if TYPE_CHECKING:
    from workbook.docker_config import TempDockerConfig

HELPER_SOURCE = Path(__file__).with_name("docker-credential-workbook")
"""The toy helper's source, a real file (``docker-credential-<name>`` is copied from it)."""

CREDENTIAL_HELPER = HELPER_SOURCE.read_text()


def login_unknown_user(notebook: str, htpasswd: Path, host: str) -> TempDockerConfig:
    """Add a random user and password to ``htpasswd`` and ``docker login`` them into a fresh DOCKER_CONFIG.

    The password is returned nowhere: only that folder's ``config.json`` holds it (base64),
    which is what exercise 2 asks the learner to read. The registry re-reads its htpasswd
    file when the file changes. Raises RegistryError when the login fails.
    """
    from workbook.docker_config import TempDockerConfig

    user, password = f"learner-{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    with Path(htpasswd).open("a") as file:
        file.write(htpasswd_line(user, password) + "\n")
    config = TempDockerConfig(notebook)
    docker_login(host, user, password, config)
    return config


def docker_login(host: str, user: str, password: str, config: TempDockerConfig) -> None:
    """``docker login`` into ``config``'s folder, the password on stdin; RegistryError if refused."""
    done = subprocess.run(
        ["docker", "login", "-u", user, "--password-stdin", host],
        input=password,
        env={**os.environ, **config.env},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RegistryError(f"docker login {host} as {user} failed: {(done.stderr or done.stdout).strip()}")


def write_credential_helper(folder: Path, name: str = "workbook") -> Path:
    """Write the toy ``docker-credential-<name>`` into ``folder`` (executable) and return its path."""
    path = Path(folder) / f"docker-credential-{name}"
    path.write_text(CREDENTIAL_HELPER)
    path.chmod(0o755)
    return path
