"""`make offline-load`: set the workbook up from the offline kit alone, with no network.

The Makefile unpacks the kit into ``.workbook/kit/`` and points pip at its host wheels
(``.workbook/offline.mk``: ``PIP_NO_INDEX=1``, ``PIP_FIND_LINKS=…``) before it builds the
virtualenv. Then ``python -m workbook.kit_load`` checks every file's sha256, ``docker load``s
the images, and builds the **offline Python image**: the kit's Python base image plus the
image wheels in ``/opt/workbook-wheels`` and ``PIP_NO_INDEX=1``/``PIP_FIND_LINKS`` set, so
that every ``pip install`` of a build ``FROM`` it is served by the kit. Builds get it through
the build argument they already have (``--build-arg PYTHON_IMAGE=…``; Compose and the
notebooks read it from compose/.env): no Dockerfile changes. ``.workbook/offline-kit.json``
records offline mode; while it exists, ``make setup`` resolves the base images from the kit
and never pulls or builds a substitute.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from workbook.errors import ImageUnavailable, WorkbookError
from workbook.images import BASE_IMAGES, Resolution
from workbook.kit import KIT_FOLDER, sha256
from workbook.layout import ROOT, STATE_DIR

STATE = STATE_DIR
KIT_HOME = STATE / "kit"
MARKER = STATE / "offline-kit.json"
OFFLINE_PYTHON = "workbook-offline/python:3.13-slim"
KIT_LABEL = "org.workbook.offline-kit"
WHEELS_IN_IMAGE = "/opt/workbook-wheels"
OFFLINE_DOCKERFILE = f"""\
# The kit's Python base image, with pip served by the kit's wheels only (workbook/kit_load.py).
ARG BASE
FROM ${{BASE}}
COPY . {WHEELS_IN_IMAGE}/
ENV PIP_NO_INDEX=1 \\
    PIP_FIND_LINKS={WHEELS_IN_IMAGE}
"""


def kit_dir(home: Path = KIT_HOME) -> Path:
    """The unpacked kit's folder (the archive's one top folder)."""
    return home / KIT_FOLDER


def read_manifest(kit: Path) -> dict:
    """The kit's manifest.json; ImageUnavailable when the folder holds no kit."""
    path = kit / "manifest.json"
    if not path.exists():
        raise ImageUnavailable(f"No offline kit in {kit}: run `make offline-load KIT=path/to/{KIT_FOLDER}.tar`.")
    return json.loads(path.read_text())


def verify_files(kit: Path, data: dict) -> list[str]:
    """One line per wheel that is missing or whose sha256 differs from the manifest's."""
    problems = []
    for folder, entries in data["wheels"].items():
        for entry in entries:
            path = kit / "wheels" / folder / entry["file"]
            if not path.exists():
                problems.append(f"missing: wheels/{folder}/{entry['file']}")
            elif sha256(path) != entry["sha256"]:
                problems.append(f"sha256 differs: wheels/{folder}/{entry['file']}")
    return problems


def docker(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the docker CLI, capturing its output."""
    return subprocess.run(["docker", *args], capture_output=True, text=True, input=stdin)


def is_present(name: str) -> bool:
    """True when the engine has image ``name``."""
    return docker("image", "inspect", name).returncode == 0


def load_images(kit: Path, data: dict) -> list[str]:
    """``docker load -i images.tar``; the names it loaded. Raises ImageUnavailable when one is missing after."""
    done = docker("load", "-i", str(kit / data["images_archive"]))
    if done.returncode != 0:
        raise ImageUnavailable(f"docker load of the kit's images failed: {done.stderr.strip()}")
    missing = [image["name"] for image in data["images"] if not is_present(image["name"])]
    if missing:
        raise ImageUnavailable(f"After docker load these images are still missing: {', '.join(missing)}")
    return [line.split(": ", 1)[1] for line in done.stdout.splitlines() if line.startswith("Loaded image")]


def wheels_key(data: dict, base_id: str) -> str:
    """A short hash of the image wheels and the base image: a change means a rebuild."""
    text = json.dumps([data["wheels"].get("image", []), base_id], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_offline_python(
    base: str, wheels: Path, tag: str, labels: dict[str, str] | None = None, key: str = ""
) -> None:
    """Build ``tag``: ``base`` plus ``wheels`` in /opt/workbook-wheels, pip told to use them only.

    No step runs a command and the build has no network (``--network=none``).
    """
    command = ["build", "--network=none", "--progress=quiet", "-f", "-", "--build-arg", f"BASE={base}", "-t", tag]
    for name, value in {**(labels or {}), KIT_LABEL: key or "test"}.items():
        command += ["--label", f"{name}={value}"]
    done = docker(*command, str(wheels), stdin=OFFLINE_DOCKERFILE)
    if done.returncode != 0:
        raise ImageUnavailable(f"Building {tag} from the kit failed: {done.stderr.strip()[-600:]}")


def image_labels(name: str) -> dict[str, str]:
    """The labels of image ``name`` (empty when it is missing)."""
    done = docker("image", "inspect", "--format", "{{json .Config.Labels}}", name)
    return (json.loads(done.stdout) or {}) if done.returncode == 0 else {}


def ensure_offline_python(kit: Path, data: dict, say: Callable[[str], None] = print) -> str:
    """The offline Python image, built from the kit when missing or out of date; its name."""
    base = next(image["name"] for image in data["images"] if image["role"] == "python")
    if not is_present(base):
        load_images(kit, data)
    key = wheels_key(data, docker("image", "inspect", "--format", "{{.Id}}", base).stdout.strip())
    if image_labels(OFFLINE_PYTHON).get(KIT_LABEL) != key:
        say(f"  python: building {OFFLINE_PYTHON} ({base} + the kit's wheels, pip without an index)")
        build_offline_python(base, kit / "wheels" / "image", OFFLINE_PYTHON, key=key)
    return OFFLINE_PYTHON


def active() -> dict | None:
    """The offline-mode record (``.workbook/offline-kit.json``), or None when the workbook is online."""
    return json.loads(MARKER.read_text()) if MARKER.exists() else None


def kit_resolutions(say: Callable[[str], None] = print) -> list[Resolution] | None:
    """In offline mode, the base images from the kit (loaded again if gone); None when online."""
    record = active()
    if record is None:
        return None
    kit = Path(record["kit"])
    data = read_manifest(kit)
    names = {image["role"]: image["name"] for image in data["images"]}
    missing = [base.role for base in BASE_IMAGES if base.role not in names]
    if missing:
        raise ImageUnavailable(f"The offline kit has no image for {', '.join(missing)}: make a new kit.")
    if not all(is_present(name) for name in names.values()):
        load_images(kit, data)
    resolutions = []
    for base in BASE_IMAGES:
        if base.role == "python":
            image = ensure_offline_python(kit, data, say)
            resolutions.append(Resolution("python", image, f"offline kit ({names['python']} + its wheels)"))
        else:
            resolutions.append(Resolution(base.role, names[base.role], "offline kit"))
    return resolutions


def load(kit: Path, say: Callable[[str], None] = print) -> None:
    """Check the unpacked kit, load its images, build the offline Python image, record offline mode."""
    data = read_manifest(kit)
    problems = verify_files(kit, data)
    if problems:
        raise WorkbookError("The kit is damaged (copy it again): " + "; ".join(problems[:5]))
    count = sum(len(entries) for entries in data["wheels"].values())
    say(f"offline-load: {count} wheel and source files match the manifest's sha256")
    say(f"offline-load: docker load: {', '.join(load_images(kit, data))}")
    ensure_offline_python(kit, data, say)
    MARKER.parent.mkdir(parents=True, exist_ok=True)
    MARKER.write_text(json.dumps({"kit": str(kit.resolve()), "python_image": OFFLINE_PYTHON}, indent=2) + "\n")
    say(f"offline-load: offline mode recorded in {MARKER.relative_to(ROOT)} (make setup reads it)")


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m workbook.kit_load [KIT_FOLDER]``."""
    args = sys.argv[1:] if argv is None else argv
    try:
        load(Path(args[0]) if args else kit_dir())
    except WorkbookError as error:
        print(f"offline-load: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
