"""Provision a current Docker engine where none answers (what `make setup` does for the engine).

The workbook supports Docker Engine 25 and later (API 1.44), the engines learners have.
On Debian/Ubuntu as root, with no engine answering, setup installs one:

- where the host's own distribution ships Engine 25 or later (Debian 13, Ubuntu 24.04),
  its ``docker.io`` and ``docker-buildx`` packages;
- elsewhere (Debian 12 ships 20.10), the newest engine Debian ships, from its unstable
  suite: apt fetches and verifies ``docker.io``, ``docker-buildx`` and ``containerd``
  with a private configuration (the host's package lists and installed packages are not
  touched) and they are unpacked into ``/opt/workbook-engine``. The host's own ``runc``,
  ``iptables`` and ``tini`` are installed from its own suite (the unstable builds need a
  newer glibc).

The daemon runs with its configuration in one file (``daemon.json``, which notebook 05
shows) and with Engine 29's API floor (``DOCKER_MIN_API_VERSION=1.44``). Its image store
is the containerd store (new installs of Engine 29 and Docker Desktop) unless
``WORKBOOK_IMAGE_STORE=classic`` asks for the classic overlay2 store.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbook.apt import (  # noqa: F401  (re-exported: setup and notebook 00 use them from here)
    UNSTABLE_SOURCE,
    apt_env,
    apt_install,
    host_candidate_version,
    private_apt_options,
    run_checked,
    say,
)
from workbook.engine import MIN_API_VERSION, MIN_ENGINE_MAJOR
from workbook.errors import EngineUnavailable, WorkbookError
from workbook.processes import process_name, record_of, stop_process  # noqa: F401  (re-exported)
from workbook.wait import poll_until

PREFIX = Path("/opt/workbook-engine")
DAEMON_CONFIG = PREFIX / "daemon.json"
RUN_DIR = Path("/run/workbook")
DOCKERD_PID = RUN_DIR / "dockerd.pid"  # informative; a pid is trusted only after started_by_setup()
DOCKERD_LOG = PREFIX / "dockerd.log"
CLI_PLUGINS = Path("/usr/local/lib/docker/cli-plugins")

ENGINE_PACKAGES = ("docker.io", "docker-buildx", "containerd", "docker-cli")
HOST_PACKAGES = ("runc", "iptables", "tini")  # the unstable builds of these need glibc 2.38
STORES = ("containerd", "classic")

UPGRADE_HINT = (
    "Upgrade to Docker Engine 25 or later (https://docs.docker.com/engine/install/) or Docker Desktop 4.27 "
    "or later, or stop it and run `sudo make setup`, which installs a current engine on Debian/Ubuntu."
)


class EngineTooOld(EngineUnavailable):
    """The engine that answers is older than the workbook's minimum."""


def major_version(version: str) -> int:
    """The major number of an engine version string such as ``28.5.2+dfsg4`` or ``20.10.24``."""
    head = version.strip().lstrip("v").split(".", 1)[0]
    return int(head) if head.isdigit() else 0


def refuse_if_too_old(version: str, api_version: str, address: str) -> None:
    """Raise EngineTooOld with one line when ``version`` is below the minimum."""
    if major_version(version) < MIN_ENGINE_MAJOR:
        raise EngineTooOld(
            f"Docker Engine {version} (API {api_version}) answers at {address}; the workbook needs Engine "
            f"{MIN_ENGINE_MAJOR} or later (API {MIN_API_VERSION}). {UPGRADE_HINT}"
        )


def wanted_store() -> str:
    """The image store asked for with WORKBOOK_IMAGE_STORE (containerd, the default, or classic)."""
    store = os.environ.get("WORKBOOK_IMAGE_STORE", "containerd").strip().lower() or "containerd"
    if store not in STORES:
        raise WorkbookError(f"WORKBOOK_IMAGE_STORE={store!r} is not one of {', '.join(STORES)}.")
    return store


def daemon_config(store: str) -> dict:
    """The daemon.json that setup writes for ``store``."""
    return {"features": {"containerd-snapshotter": store == "containerd"}}


def configured_store(path: Path = DAEMON_CONFIG) -> str | None:
    """The store a daemon.json asks for, or None when there is no such file."""
    try:
        features = json.loads(path.read_text()).get("features", {})
    except (OSError, ValueError):
        return None
    return "containerd" if features.get("containerd-snapshotter") else "classic"


# --- processes -------------------------------------------------------------------------


def dockerd_pids() -> list[int]:
    """Every running process called dockerd, whoever started it."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and process_name(int(entry.name)) == "dockerd":
            pids.append(int(entry.name))
    return sorted(pids)


def started_by_setup(pid: int) -> bool:
    """True when ``pid`` is a dockerd that a workbook setup started (this one or an earlier one).

    Setup sends dockerd's output to a log of its own (``…/workbook-engine/dockerd.log``, or
    ``.workbook/dockerd.log`` for earlier versions of setup); an engine the user runs never
    logs there. Reading another user's fds needs root: for anyone else the answer is False.
    """
    if pid <= 1 or process_name(pid) != "dockerd":
        return False
    try:
        target = os.readlink(f"/proc/{pid}/fd/1")
    except OSError:
        return False
    return target == str(DOCKERD_LOG) or target.endswith("/.workbook/dockerd.log")


def setup_started_dockerd() -> int | None:
    """The pid of a running dockerd that a workbook setup started, or None."""
    return next((pid for pid in dockerd_pids() if started_by_setup(pid)), None)


# --- installing ------------------------------------------------------------------------


def install_private_engine(prefix: Path = PREFIX) -> str:
    """Fetch the unstable suite's engine packages with apt and unpack them into ``prefix``."""
    with tempfile.TemporaryDirectory(prefix="workbook-engine-") as tmp:
        state, downloads, unpacked = Path(tmp) / "apt", Path(tmp) / "debs", Path(tmp) / "root"
        downloads.mkdir()
        options = private_apt_options(state)
        say("fetching Docker Engine packages from Debian unstable (apt verifies their signatures)…")
        run_checked(["apt-get", *options, "update", "-qq"], "apt-get update (Debian unstable)", apt_env())
        done = subprocess.run(
            ["apt-get", *options, "download", *ENGINE_PACKAGES],
            cwd=downloads,
            capture_output=True,
            text=True,
            env=apt_env(),
        )
        if done.returncode != 0:
            raise WorkbookError(f"apt-get download of {' '.join(ENGINE_PACKAGES)} failed: {done.stderr[-300:]}")
        for deb in sorted(downloads.glob("*.deb")):
            run_checked(["dpkg-deb", "-x", str(deb), str(unpacked)], f"unpacking {deb.name}")
        versions = {deb.name.split("_")[0]: deb.name.split("_")[1] for deb in downloads.glob("*.deb")}
        partial = prefix.with_name(prefix.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        for sub in ("bin", "sbin"):
            shutil.copytree(unpacked / "usr" / sub, partial / sub, symlinks=True)
        shutil.copytree(unpacked / "usr/libexec/docker/cli-plugins", partial / "cli-plugins", symlinks=True)
        docker_init = partial / "bin" / "docker-init"  # `docker run --init`: the host's static tini
        docker_init.unlink(missing_ok=True)
        docker_init.symlink_to("/usr/bin/tini-static")
        (partial / "versions.json").write_text(json.dumps(versions, indent=2) + "\n")
        shutil.rmtree(prefix, ignore_errors=True)
        os.replace(partial, prefix)
    return ", ".join(f"{name} {version}" for name, version in sorted(versions.items()))


def install_engine() -> str:
    """Install a current engine (see the module's docstring); return what was done."""
    candidate = host_candidate_version("docker.io")
    if candidate and major_version(candidate.split(":")[-1]) >= MIN_ENGINE_MAJOR:
        apt_install(["docker.io", "docker-buildx"])
        return f"installed the host's docker.io {candidate}"
    missing = [name for name in HOST_PACKAGES if shutil.which(name) is None and not Path(f"/usr/sbin/{name}").exists()]
    if missing:
        apt_install(missing)
    return f"installed into {PREFIX}: {install_private_engine()}"


def dockerd_version(dockerd: str) -> str:
    """The version ``dockerd --version`` reports (``Docker version 28.5.2+dfsg4, build …``)."""
    done = subprocess.run([dockerd, "--version"], capture_output=True, text=True)
    words = done.stdout.replace(",", " ").split()
    return words[2] if len(words) > 2 and words[:2] == ["Docker", "version"] else "0"


def engine_installed() -> bool:
    """True when setup's private engine is unpacked, or the host's own dockerd is recent enough."""
    if (PREFIX / "sbin" / "dockerd").exists():
        return True
    host = shutil.which("dockerd")
    return host is not None and major_version(dockerd_version(host)) >= MIN_ENGINE_MAJOR


def ensure_cli_plugins() -> list[str]:
    """Make buildx (and the CLI, where none exists) available from setup's private engine."""
    did = []
    plugin = PREFIX / "cli-plugins" / "docker-buildx"
    if plugin.exists() and not (CLI_PLUGINS / "docker-buildx").exists():
        CLI_PLUGINS.mkdir(parents=True, exist_ok=True)
        shutil.copy2(plugin, CLI_PLUGINS / "docker-buildx")
        did.append(f"buildx plugin in {CLI_PLUGINS}")
    cli = PREFIX / "bin" / "docker"
    if cli.exists() and shutil.which("docker") is None:
        os.symlink(cli, "/usr/local/bin/docker")
        did.append("docker CLI in /usr/local/bin")
    return did


# --- running ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DaemonCommand:
    """How setup starts dockerd: the command line and the environment."""

    argv: list[str]
    env: dict[str, str]


def daemon_command(config: Path = DAEMON_CONFIG, prefix: Path = PREFIX) -> DaemonCommand:
    """dockerd with its config file, the API floor, and the private prefix first on PATH."""
    path = os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
    if (prefix / "sbin" / "dockerd").exists():
        path = os.pathsep.join([str(prefix / "sbin"), str(prefix / "bin"), path])
    dockerd = shutil.which("dockerd", path=path) or "dockerd"
    env = {**os.environ, "PATH": path, "DOCKER_MIN_API_VERSION": MIN_API_VERSION}
    return DaemonCommand([dockerd, "--config-file", str(config)], env)


def ensure_docker_group() -> None:
    """Create the ``docker`` group, as Debian's package does: dockerd gives its socket to it."""
    if subprocess.run(["getent", "group", "docker"], capture_output=True).returncode != 0:
        run_checked(["groupadd", "--system", "docker"], "groupadd docker")


def start_dockerd(answers: Callable[[], bool], store: str, wait: float = 60.0) -> int:
    """Write daemon.json for ``store``, start dockerd detached and wait until it answers."""
    others = dockerd_pids()
    if others:
        raise EngineUnavailable(
            f"A dockerd (pid {others[0]}) is running but does not answer where the client looks; "
            "a second daemon would fight it. Stop it, or point DOCKER_HOST at it."
        )
    PREFIX.mkdir(parents=True, exist_ok=True)
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    ensure_docker_group()
    DAEMON_CONFIG.write_text(json.dumps(daemon_config(store), indent=2) + "\n")
    command = daemon_command()
    with DOCKERD_LOG.open("ab") as log:
        process = subprocess.Popen(
            command.argv,
            env=command.env,
            cwd="/",
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    DOCKERD_PID.write_text(record_of(process.pid).text())

    def exited() -> str | None:
        if process.poll() is None:
            return None
        tail = DOCKERD_LOG.read_text(errors="replace").strip().splitlines()[-3:]
        return f"dockerd exited at once ({process.returncode}): {' | '.join(tail)}"

    poll_until(
        answers,
        timeout=wait,
        interval=0.5,
        stop=exited,
        message=f"dockerd started but did not answer within {wait:g} s; see {DOCKERD_LOG}.",
        error=EngineUnavailable,
    )
    return process.pid


def stop_setup_dockerd() -> str:
    """Stop the dockerd that a workbook setup started, if one runs; never any other process."""
    DOCKERD_PID.unlink(missing_ok=True)
    pid = setup_started_dockerd()
    if pid is None:
        return "no dockerd started by setup is running"
    return stop_process(pid)
