"""The daemon as the host sees it: its processes, and an example ``daemon.json`` (never the real one)."""

from __future__ import annotations

import json
import pwd
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REAL_DAEMON_JSON = Path("/etc/docker/daemon.json")
"""Where dockerd reads its settings on Linux (Docker Desktop: Settings → Docker Engine)."""

EXAMPLE_DAEMON_JSON: dict[str, Any] = {
    "log-driver": "json-file",
    "log-opts": {"max-size": "10m", "max-file": "3"},
    "userland-proxy": False,
    "registry-mirrors": ["https://mirror.example.internal"],
    "insecure-registries": ["registry.classroom.internal:5000"],
    "live-restore": True,
}
"""Settings worth knowing, with values a small team might choose (see notebook 05)."""


@dataclass(frozen=True)
class HostProcess:
    """A process seen in /proc: its pid, owner and command line."""

    pid: int
    user: str
    cmdline: tuple[str, ...]


def processes(name: str, proc: Path = Path("/proc")) -> list[HostProcess]:
    """The host processes whose executable is called ``name`` (e.g. 'dockerd'), by pid.

    Processes that end while /proc is read are skipped. In a container, or with the
    engine in a VM (Docker Desktop), the list is empty: the daemon is not a process here.
    """
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != name:
                continue
            args = tuple(arg for arg in (entry / "cmdline").read_bytes().decode().split("\0") if arg)
            uid = entry.stat().st_uid
        except OSError:
            continue
        try:
            user = pwd.getpwuid(uid).pw_name
        except KeyError:
            user = str(uid)
        found.append(HostProcess(int(entry.name), user, args))
    return sorted(found, key=lambda p: p.pid)


def write_example(folder: str | Path, settings: dict[str, Any] | None = None) -> Path:
    """Write an example daemon.json into ``folder`` (a temp dir) and return its path.

    Refuses to write to /etc/docker: the workbook never changes the user's daemon.
    """
    target = Path(folder) / "daemon.json"
    if target.resolve() == REAL_DAEMON_JSON.resolve():
        raise ValueError("write_example never writes the real /etc/docker/daemon.json; give it a temp folder.")
    target.write_text(json.dumps(settings or EXAMPLE_DAEMON_JSON, indent=2) + "\n")
    return target
