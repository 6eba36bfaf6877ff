"""Drill 7: the disk of the engine's data root nearly full.

A file is allocated on the data root's filesystem until about 1 GiB is left (``fallocate``:
no data is written), then a build whose step writes 2 GiB runs. It must fail with one line
that names the fix, leave no image behind, and give the space back: the free space after the
drill (filler removed) is within 200 MiB of the free space before. The filler is removed in a
``finally``, and a filler left by a killed run is removed at the start of the next one.

Only on the engine `make setup` started, as root, never on a learner's own engine or disk.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import docker

from workbook import provision
from workbook.buildlog import buildkit_build
from workbook.drills import Outcome, say
from workbook.errors import CommandFailed, ServiceNotReady
from workbook.images import resolved
from workbook.layout import STATE_DIR
from workbook.wait import poll_until

GIB = 2**30
MIB = 2**20
LEFT_FREE = 1 * GIB
SPACE_SLACK = 200 * MIB
TAG = "wbdr-disk-full:1"


def free_bytes(path: str | Path, reserved: bool = False) -> int:
    """Free bytes of ``path``'s filesystem: those anyone may use, or with ``reserved`` those root may."""
    status = os.statvfs(path)
    return (status.f_bfree if reserved else status.f_bavail) * status.f_frsize


def allocate_until(handle_fileno: int, path: str, left: int) -> None:
    """Allocate the file until ``left`` bytes stay free for root.

    Root may use the blocks ext4 reserves, unless they are reserved for another user
    (``resuid=``): try leaving ``left`` of all free blocks, else of the available ones.
    """
    try:
        os.posix_fallocate(handle_fileno, 0, max(0, free_bytes(path, reserved=True) - left))
    except OSError:
        os.ftruncate(handle_fileno, 0)  # give back what the failed attempt took
        os.posix_fallocate(handle_fileno, 0, max(1, free_bytes(path) - left))


def filler_path(data_root: str) -> Path:
    """Where the filler goes: .workbook/ when it is on the data root's filesystem, else beside the data root."""
    STATE_DIR.mkdir(exist_ok=True)
    if os.stat(STATE_DIR).st_dev == os.stat(data_root).st_dev:
        return STATE_DIR / "drill-disk-filler"
    return Path(data_root).parent / "workbook-drill-disk-filler"


def remove_stale_filler(data_root: str) -> None:
    """Remove a filler an interrupted run of this drill left."""
    filler_path(data_root).unlink(missing_ok=True)


def drill(client: docker.DockerClient, label: str) -> Outcome:
    """Fill the data root's disk to 1 GiB free, build a 2 GiB step, expect one clear line and no leftovers."""
    name = "7 disk nearly full"
    if os.geteuid() != 0 or provision.setup_started_dockerd() is None:
        return Outcome(name, True, "not run: needs root and the engine `make setup` started")
    data_root = client.info()["DockerRootDir"]
    remove_stale_filler(data_root)
    before = free_bytes(data_root)
    images_before = {image.id for image in client.images.list(all=True)}
    filler = filler_path(data_root)
    message = ""
    with tempfile.TemporaryDirectory(prefix="wbdr-disk-") as context:
        (Path(context) / "Dockerfile").write_text(
            f"FROM {resolved('python')}\nRUN head -c {2 * GIB} /dev/zero > /fill\n"
        )
        try:
            with filler.open("wb") as handle:
                allocate_until(handle.fileno(), data_root, LEFT_FREE)
            left = free_bytes(data_root) / GIB
            say(f"data root {data_root}: {before / GIB:.1f} GiB free; the filler ({filler.name}) leaves {left:.1f} GiB")
            buildkit_build(f"docker build --progress=plain --no-cache --label {label} -t {TAG} {context}")
        except CommandFailed as error:
            message = str(error)
        except OSError as error:  # a filesystem without fallocate (overlay in a container, …)
            filler.unlink(missing_ok=True)
            return Outcome(name, True, f"not run: cannot allocate the filler on {data_root} ({error.strerror})")
        finally:
            filler.unlink(missing_ok=True)
    # The engine discards the failed step's layer (the 1 GiB it wrote) a moment after the build.
    returned = time.monotonic()
    try:
        after = poll_until(lambda: free_bytes(data_root), lambda free: before - free <= SPACE_SLACK, timeout=60)
    except ServiceNotReady:
        after = free_bytes(data_root)
    returned = time.monotonic() - returned
    new_images = [image.id for image in client.images.list(all=True) if image.id not in images_before]
    say(f"the build said: {message or '(it succeeded)'}")
    say(f"free before {before / GIB:.2f} GiB, after {after / GIB:.2f} GiB; new images {len(new_images)}")
    problems = []
    if "disk is full" not in message or "docker system df" not in message or "\n" in message:
        problems.append(f"the failed build did not say in one line that the disk is full: {message!r}")
    if new_images:
        problems.append(f"{len(new_images)} image(s) left by the failed build")
    if before - after > SPACE_SLACK:
        problems.append(f"{(before - after) / MIB:.0f} MiB not given back")
    measured = (
        f"build failed with one line naming `docker system df`; {len(new_images)} images left; "
        f"free space {before / GIB:.1f} -> {after / GIB:.1f} GiB ({returned:.0f} s after the build)"
    )
    return Outcome(name, not problems, measured if not problems else "; ".join(problems), problems=problems)
