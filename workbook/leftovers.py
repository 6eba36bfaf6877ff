"""What the suite leaves on the engine: a snapshot before `make test`, a check after.

Every notebook removes its own objects; this catches what slips through the labels, such
as an anonymous volume of an image's ``VOLUME`` or a container a failed build left.
"""

from __future__ import annotations

import json
import sys

import docker

from workbook.engine import connect
from workbook.layout import STATE_DIR

SNAPSHOT = STATE_DIR / "engine-before.json"
SUBSTITUTE_LABEL = "org.workbook.substitute"


def inventory(client: docker.DockerClient) -> dict[str, dict[str, str]]:
    """Containers, volumes, networks and images on the engine: id -> a readable name."""
    return {
        "containers": {c.id: c.name for c in client.containers.list(all=True)},
        "volumes": {v.id: v.name for v in client.volumes.list()},
        "networks": {n.id: n.name for n in client.networks.list()},
        "images": {
            i.id: ", ".join(i.tags) or i.short_id
            for i in client.images.list(all=True)
            if SUBSTITUTE_LABEL not in (i.labels or {})
        },
    }


def new_objects(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[str]:
    """Lines naming every object in ``after`` that was not in ``before``."""
    return [
        f"{kind[:-1]} {name}"
        for kind, objects in after.items()
        for object_id, name in sorted(objects.items(), key=lambda item: item[1])
        if object_id not in before.get(kind, {})
    ]


def main(argv: list[str]) -> int:
    """``snapshot`` records the engine; ``check`` exits 1 naming what the suite left behind."""
    client = connect()
    if argv[:1] == ["snapshot"]:
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(inventory(client)))
        return 0
    if not SNAPSHOT.exists():
        print("Leftover check: no snapshot was taken before the suite; nothing to compare.")
        return 0
    left = new_objects(json.loads(SNAPSHOT.read_text()), inventory(client))
    if left:
        print("The suite left these objects on the engine (a notebook's cleanup missed them):", file=sys.stderr)
        for line in left:
            print(f"  {line}", file=sys.stderr)
        return 1
    print("Leftover check: no container, volume, network or image of the suite remains on the engine.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
