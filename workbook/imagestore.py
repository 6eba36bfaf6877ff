"""Which image store the engine uses, read from ``docker info``.

Engine 29 and Docker Desktop (since 4.34) install with the **containerd image store**
(``docker info``: Storage Driver ``overlayfs``, ``driver-type
io.containerd.snapshotter.v1``); older installs keep the **classic store** (graph
drivers such as ``overlay2``). Image IDs, RepoDigests, sizes and ``docker save``
differ between them, so notebooks branch on ``image_store(client.info())``.
"""

from __future__ import annotations

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
