"""Remove what a notebook made: labelled services, containers, networks, volumes, images, host processes."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors

from workbook.layout import LABEL, STATE_DIR
from workbook.owner import owned
from workbook.processes import ProcessRecord, record_of, terminate
from workbook.swarmstate import labelled_services, leave_if_made, made_by, remove_services
from workbook.wait import poll_until

PROCESS_DIR = STATE_DIR / "processes"
PATHS_DIR = STATE_DIR / "paths"


def plural(noun: str) -> str:
    """'containers', 'processes'."""
    return noun + ("es" if noun.endswith("s") else "s")


@dataclass
class Removed:
    """What one cleanup removed, counted by kind."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        """Count ``n`` more removed objects of ``kind``."""
        if n:
            self.counts[kind] = self.counts.get(kind, 0) + n

    @property
    def total(self) -> int:
        """How many objects were removed in all."""
        return sum(self.counts.values())

    def describe(self) -> str:
        """'2 containers, 1 network' or 'nothing'."""
        if not self.total:
            return "nothing"
        return ", ".join(f"{n} {kind if n == 1 else plural(kind)}" for kind, n in self.counts.items())


def label_filter(notebook: str) -> dict[str, list[str]]:
    """The SDK filter that selects the objects labelled with ``notebook``."""
    return {"label": [f"{LABEL}={notebook}"]}


def process_dir(notebook: str) -> Path:
    """Folder holding the pid files of host processes that ``notebook`` started."""
    return PROCESS_DIR / notebook


def record_process(notebook: str, pid: int) -> Path:
    """Remember a host process (its pid and start time) so that a later cleanup can stop it."""
    folder = process_dir(notebook)
    folder.mkdir(parents=True, exist_ok=True)
    pid_file = folder / f"{pid}.pid"
    pid_file.write_text(record_of(pid).text())
    return pid_file


def stop_processes(notebook: str, removed: Removed) -> None:
    """Stop every recorded host process of ``notebook`` (its process group) and forget it.

    A record is acted on only while its pid still shows the recorded start time: an
    empty or old-style file (pid only), or a pid that now belongs to another process,
    is forgotten without sending any signal.
    """
    folder = process_dir(notebook)
    if not folder.is_dir():
        return
    for pid_file in sorted(folder.glob("*.pid")):
        record = ProcessRecord.parse(pid_file.read_text())
        if record is not None and terminate(record, grace=5.0, group=True, reap=True) != "not running":
            removed.add("process")
        pid_file.unlink(missing_ok=True)


def track_path(notebook: str, path: str | Path) -> Path:
    """Record ``path`` (a file or folder the notebook made on the host) for later removal."""
    path = Path(path).resolve()
    folder = PATHS_DIR / notebook
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / (hashlib.sha256(str(path).encode()).hexdigest()[:16] + ".path")
    record.write_text(str(path))
    return path


def remove_tracked_paths(notebook: str) -> int:
    """Delete every path recorded for ``notebook``; return how many still existed."""
    folder = PATHS_DIR / notebook
    if not folder.is_dir():
        return 0
    removed = 0
    for record in sorted(folder.glob("*.path")):
        path = Path(record.read_text().strip())
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
        elif path.exists() or path.is_symlink():
            path.unlink()
            removed += 1
        record.unlink()
    return removed


def make_temp_dir(notebook: str, purpose: str) -> Path:
    """A fresh folder under the system temp dir, tracked for removal (mode 0700)."""
    number = re.search(r"\d\d", notebook)
    prefix = owned(f"wb{number.group() if number else notebook[:2]}")
    return track_path(notebook, tempfile.mkdtemp(prefix=f"{prefix}-{purpose}-"))


def labelled_objects(client: docker.DockerClient, notebook: str) -> list[str]:
    """'container wb01-x', 'volume v', … for every object that still carries ``notebook``'s label."""
    selector = label_filter(notebook)
    found = [f"service {s.name}" for s in labelled_services(client, notebook)]
    if made_by(client, notebook):
        found.append(f"swarm (made by {notebook})")
    found += [f"container {c.name}" for c in client.containers.list(all=True, filters=selector)]
    found += [f"network {n.name}" for n in client.networks.list(filters=selector)]
    found += [f"volume {v.name}" for v in client.volumes.list(filters=selector)]
    found += [f"image {(i.tags or [i.short_id])[0]}" for i in client.images.list(filters=selector)]
    return found


def remove_network(network: docker.models.networks.Network, timeout: float = 20.0) -> bool:
    """Remove ``network``; True if it went, False if it was already gone.

    A swarm's overlay network refuses while the manager still releases its tasks' endpoints:
    that is retried for ``timeout`` seconds. Local networks are tried once.
    """

    def attempt() -> bool:
        try:
            network.remove()
            return True
        except docker.errors.NotFound:
            return False

    if network.attrs.get("Scope") != "swarm":
        return attempt()
    return poll_until(
        attempt,
        lambda _: True,
        timeout=timeout,
        interval=0.5,
        retry_on=(docker.errors.APIError,),
        message=lambda last: f"The swarm network {network.name} could not be removed within {timeout:.0f} s ({last}).",
    )


def remove_labelled(client: docker.DockerClient, notebook: str) -> Removed:
    """Remove the host processes and temporary paths of ``notebook``, and its labelled Docker objects.

    Swarm services go first (and their tasks with them); a swarm the notebook made is left.
    """
    removed = Removed()
    stop_processes(notebook, removed)
    removed.add("temporary path", remove_tracked_paths(notebook))
    removed.add("service", remove_services(client, notebook))
    for what in leave_if_made(client, notebook):
        removed.add(what.split()[0])
    selector = label_filter(notebook)
    for container in client.containers.list(all=True, filters=selector):
        try:
            container.remove(force=True, v=True)
            removed.add("container")
        except docker.errors.NotFound:
            pass
    for network in client.networks.list(filters=selector):
        if remove_network(network):
            removed.add("network")
    for volume in client.volumes.list(filters=selector):
        try:
            volume.remove(force=True)
            removed.add("volume")
        except docker.errors.NotFound:
            pass
    # A child image must go before its parent (classic store), and removing an image by ID can
    # leave an untagged record of it behind (containerd store): list again until nothing goes.
    for _ in range(5):
        gone = 0
        for image in client.images.list(all=True, filters=selector):
            try:
                client.images.remove(image.id, force=True)
                removed.add("image")
                gone += 1
            except docker.errors.NotFound:
                pass
            except docker.errors.APIError as error:
                if error.status_code != 409:  # 409: a dependent child image, or one being removed with it
                    raise
        if not gone:
            break
    return removed
