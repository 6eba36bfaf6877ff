"""The daemon as the host sees it: its processes, settings file, environment and layer folders.

Everything here reads host files that only exist where the engine is local (not with
Docker Desktop or a remote engine), and some only root may read: each reader returns
what it saw, or one line saying why it cannot look. ``write_example`` writes an example
``daemon.json`` to a temporary folder, never the real one.
"""

from __future__ import annotations

import json
import pwd
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbook.imagestore import image_store  # noqa: F401  (notebook 05 imports it from here)

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


@dataclass(frozen=True)
class HostView:
    """Something read on the engine's host (a file, a variable), or the reason it cannot be read here.

    ``text`` is None when the value was not readable; then ``why`` is one line saying why and
    what a root user on a Linux host with a local engine would see instead.
    """

    what: str
    text: str | None = None
    why: str | None = None

    @property
    def seen(self) -> bool:
        """True when the value was read."""
        return self.text is not None


def option(process: HostProcess, name: str) -> str | None:
    """The value of a command-line option of ``process`` (``--name value`` or ``--name=value``)."""
    args = list(process.cmdline)
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def not_here(address: str) -> str:
    """Why the engine's host processes are not visible from here (no local dockerd in /proc)."""
    if not address.startswith(("unix://", "npipe://")):
        return f"The engine is at {address}, another machine: its dockerd is not a process here."
    return (
        f"No dockerd process here although the engine answers at {address}: it runs in a VM "
        "(Docker Desktop) or outside this container."
    )


def config_file(process: HostProcess) -> Path:
    """The settings file dockerd reads: its ``--config-file``, else /etc/docker/daemon.json."""
    return Path(option(process, "--config-file") or REAL_DAEMON_JSON)


ROOT_WOULD_SEE = "a root user on a Linux host with a local engine would see {}"


def daemon_config(process: HostProcess | None, why_not: str = "") -> HostView:
    """The running daemon's settings file, read from the host (``--config-file`` or the default).

    A missing file is a fact (dockerd runs on its defaults); an unreadable one, or no local
    dockerd at all, gives a HostView with ``why`` instead.
    """
    if process is None:
        return HostView(
            "daemon.json",
            why=f"{why_not} There, "
            + ROOT_WOULD_SEE.format("the file named by dockerd's --config-file (default /etc/docker/daemon.json)."),
        )
    path = config_file(process)
    try:
        return HostView(str(path), text=path.read_text())
    except FileNotFoundError:
        return HostView(str(path), text="")
    except PermissionError:
        return HostView(
            str(path),
            why=f"{path} is not readable for this user; " + ROOT_WOULD_SEE.format("dockerd's settings in it."),
        )


def daemon_environment(process: HostProcess | None, name: str, proc: Path = Path("/proc")) -> HostView:
    """The value of variable ``name`` in the daemon's environment ("" when unset), from /proc/PID/environ.

    Another user's environment is readable by root only; then ``why`` says so.
    """
    if process is None:
        return HostView(name, why=f"No local dockerd: {ROOT_WOULD_SEE.format(f'{name} in its /proc/PID/environ.')}")
    try:
        data = (proc / str(process.pid) / "environ").read_bytes()
    except PermissionError:
        return HostView(
            name,
            why=(
                f"dockerd's environment (/proc/{process.pid}/environ) is readable by its owner ({process.user}) only; "
                + ROOT_WOULD_SEE.format(f"whether {name} is set there.")
            ),
        )
    except FileNotFoundError:
        return HostView(name, why=f"dockerd (pid {process.pid}) has ended.")
    pairs = dict(item.split("=", 1) for item in data.decode(errors="replace").split("\0") if "=" in item)
    return HostView(name, text=pairs.get(name, ""))


@dataclass(frozen=True)
class OverlayDirs:
    """The folders the kernel's overlay file system stacks into a container's ``/``."""

    upper: Path
    lower: tuple[Path, ...]
    work: Path | None


def mount_options(mountinfo: str, mount_point: str = "/") -> dict[str, str]:
    """The super-block options (``lowerdir=…,upperdir=…``) of the mount at ``mount_point`` in a mountinfo text."""
    for line in mountinfo.splitlines():
        fields = line.split()
        if len(fields) > 4 and fields[4] == mount_point and " - " in line:
            options = line.split(" - ", 1)[1].split()[-1]
            return dict(item.split("=", 1) if "=" in item else (item, "") for item in options.split(","))
    return {}


def overlay_dirs(attrs: dict[str, Any], proc: Path = Path("/proc")) -> OverlayDirs | str:
    """Where a running container's layers are on the host, or one line saying why they cannot be seen.

    Classic store (``overlay2``): ``GraphDriver.Data`` of ``docker inspect`` names them. The
    containerd store leaves that empty; the overlay mount at ``/`` in the container's
    ``/proc/PID/mountinfo`` names the snapshotter's folders instead.
    """
    data = (attrs.get("GraphDriver") or {}).get("Data") or {}
    if data.get("UpperDir"):
        lower = tuple(Path(d) for d in data.get("LowerDir", "").split(":") if d)
        return OverlayDirs(Path(data["UpperDir"]), lower, Path(data["WorkDir"]) if data.get("WorkDir") else None)
    pid = (attrs.get("State") or {}).get("Pid") or 0
    if not pid:
        return "The container is not running: no mount to look at."
    try:
        options = mount_options((proc / str(pid) / "mountinfo").read_text())
    except FileNotFoundError:
        return (
            f"The container's process (pid {pid}) is not on this machine (Docker Desktop's VM or a remote engine); "
            + ROOT_WOULD_SEE.format("its overlay mount in /proc/PID/mountinfo.")
        )
    except PermissionError:
        return f"/proc/{pid}/mountinfo is readable by root only; " + ROOT_WOULD_SEE.format("its overlay folders.")
    if "upperdir" not in options:
        return f"The container's / is not an overlay mount here ({options or 'no mount found'})."
    lower = tuple(Path(d) for d in options.get("lowerdir", "").split(":") if d)
    return OverlayDirs(Path(options["upperdir"]), lower, Path(options["workdir"]) if options.get("workdir") else None)


def cannot_read(path: Path, would_see: str = "what is in it") -> str | None:
    """None when the folder ``path`` can be listed here; else one line saying why and what root would see."""
    try:
        next(iter(path.iterdir()), None)
    except FileNotFoundError:
        return (
            f"{path} is not on this machine (the engine runs in Docker Desktop's VM or on another host); "
            + ROOT_WOULD_SEE.format(f"{would_see} there.")
        )
    except PermissionError:
        return f"{path} is readable by root only; " + ROOT_WOULD_SEE.format(f"{would_see}.")
    except NotADirectoryError:
        return f"{path} is not a folder."
    return None
