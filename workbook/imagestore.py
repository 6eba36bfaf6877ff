"""Which image store the engine uses (read from ``docker info``), and an image's own layers.

Engine 29 and Docker Desktop (since 4.34) install with the **containerd image store**
(``docker info``: Storage Driver ``overlayfs``, ``driver-type
io.containerd.snapshotter.v1``); older installs keep the **classic store** (graph
drivers such as ``overlay2``). Image IDs, RepoDigests, sizes and ``docker save``
differ between them, so notebooks branch on ``image_store(client.info())``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import docker

CONTAINERD = "containerd"
CLASSIC = "classic"
SNAPSHOTTER_TYPE = "io.containerd.snapshotter.v1"


def image_store(info: dict) -> str:
    """``"containerd"`` when ``docker info`` reports a containerd snapshotter, else ``"classic"``."""
    for entry in info.get("DriverStatus") or []:
        if len(entry) == 2 and entry[0] == "driver-type" and entry[1] == SNAPSHOTTER_TYPE:
            return CONTAINERD
    return CLASSIC


def store_line(info: dict) -> str:
    """One line naming the store and the ``docker info`` fields it was read from."""
    store = image_store(info)
    driver = info.get("Driver", "?")
    if store == CONTAINERD:
        return f"Image store: containerd (docker info: Storage Driver {driver}, driver-type {SNAPSHOTTER_TYPE})"
    return f"Image store: classic (docker info: Storage Driver {driver}, no containerd snapshotter)"


@dataclass(frozen=True)
class HistoryLayer:
    """One ``docker history`` entry that holds files: whose it is (base or app), what made it, its size."""

    part: str
    created_by: str
    size: int

    keyword: str = ""


def instruction_of(created_by: str) -> str:
    """The Dockerfile instruction behind a history entry, in BuildKit's or the legacy builder's form.

    BuildKit writes ``RUN …``/``COPY …``; the legacy builder ``/bin/sh -c #(nop) COPY …``
    for what runs no command and ``/bin/sh -c …`` (maybe after ``|1 ARG=…``) for ``RUN``;
    an imported root filesystem has none (``FROM`` here).
    """
    text = created_by.strip()
    if not text:
        return "FROM"
    if "#(nop) " in text:
        return text.split("#(nop) ", 1)[1].split(None, 1)[0]
    first = text.split(None, 1)[0]
    return first if first.isupper() and first.isalpha() else "RUN"


def short_created_by(text: str) -> str:
    """A history entry's command without the shell prefix and with copied files' hashes elided.

    ``COPY file:<hash>`` hashes (of the host's CA bundle in the substitute base, for one)
    differ from machine to machine, so they become ``file:…``.
    """
    text = text.replace("/bin/sh -c ", "").replace("#(nop) ", "").replace(" # buildkit", "").strip()
    text = re.sub(r"\b(file|dir):[0-9a-f]{64}", r"\1:…", text)
    return text or "(imported root filesystem)"


def history_layers(image: docker.models.images.Image, base: docker.models.images.Image) -> list[HistoryLayer]:
    """The entries of ``image``'s history that hold files, oldest first; the first ones, base's own, marked "base".

    ``docker history`` lists newest first and repeats the base's entries at the bottom;
    the split is by count, since entries below the top carry no ID (``<missing>``) on
    BuildKit builds and on the containerd store.
    """
    entries = image.history()[::-1]
    base_count = len(base.history())
    return [
        HistoryLayer(
            "base" if i < base_count else "app",
            short_created_by(entry["CreatedBy"]),
            entry["Size"],
            instruction_of(entry["CreatedBy"]),
        )
        for i, entry in enumerate(entries)
        if entry["Size"] > 0
    ]
