"""The registry's ``config.yml`` (written with PyYAML) and its htpasswd file (bcrypt hashes)."""

from __future__ import annotations

import bcrypt
import yaml

CONFIG_DIR_IN_CONTAINER = "/etc/workbook-registry"
"""Where the notebook's own configuration folder is mounted (read-only) in a registry."""

DATA_DIR = "/var/lib/registry"


def registry_settings(htpasswd: bool = False, tls: bool = False, delete: bool = True) -> dict:
    """A distribution 2.8 configuration as a dict: storage on the volume, optional auth/TLS/delete.

    Paths of the htpasswd file and the certificate point into the configuration
    folder mounted at ``CONFIG_DIR_IN_CONTAINER``.
    """
    storage: dict = {"filesystem": {"rootdirectory": DATA_DIR}}
    if delete:
        storage["delete"] = {"enabled": True}
    http: dict = {"addr": ":5000", "secret": "workbook-not-a-secret"}
    if tls:
        http["tls"] = {
            "certificate": f"{CONFIG_DIR_IN_CONTAINER}/server.crt",
            "key": f"{CONFIG_DIR_IN_CONTAINER}/server.key",
        }
    settings: dict = {"version": 0.1, "log": {"level": "warn"}, "storage": storage, "http": http}
    if htpasswd:
        settings["auth"] = {"htpasswd": {"realm": "workbook-registry", "path": f"{CONFIG_DIR_IN_CONTAINER}/htpasswd"}}
    return settings


def registry_config(htpasswd: bool = False, tls: bool = False, delete: bool = True) -> str:
    """A distribution 2.8 ``config.yml`` (see ``registry_settings``), as YAML text."""
    return yaml.safe_dump(registry_settings(htpasswd, tls, delete), sort_keys=False, default_flow_style=False)


def config_uses_tls(text: str) -> bool:
    """True when a ``config.yml`` text has an ``http.tls`` section."""
    settings = yaml.safe_load(text) or {}
    return bool((settings.get("http") or {}).get("tls"))


def htpasswd_line(user: str, password: str, rounds: int = 10) -> str:
    """One htpasswd line ``user:$2b$…`` with a bcrypt hash (the only kind distribution 2.8 accepts)."""
    if ":" in user:
        raise ValueError("An htpasswd user name cannot contain ':'.")
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()
    return f"{user}:{hashed}"


def htpasswd_accepts(line: str, user: str, password: str) -> bool:
    """True when the htpasswd ``line`` is for ``user`` and its hash matches ``password``."""
    name, _, hashed = line.strip().partition(":")
    return name == user and bcrypt.checkpw(password.encode(), hashed.encode())
