"""`make offline-kit`: one archive with every image and Python wheel the workbook needs.

Made on a connected machine, copied to a room without network, set up there by
`make offline-load` (``workbook.kit_load``). The archive holds one folder:

- ``images.tar``: ``docker save`` of the base images ``make setup`` resolved (compose/.env);
- ``wheels/host/``: requirements.lock (the venv's whole closure, the files `make venv` accepts) and
  requirements-book.txt, for the host's Python;
- ``wheels/image/``: app/requirements.txt and docker/offline-requirements.txt for the image's
  Python 3.13 (``--python-version 3.13 --only-binary=:all:``), plus the sources and build
  tools of the few packages that have no wheel for it;
- ``manifest.json``: images with their IDs, every file with its sha256.

Run as ``python -m workbook.kit --out offline-kit/workbook-offline-kit.tar``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from workbook.errors import WorkbookError
from workbook.images import BASE_IMAGES, resolved
from workbook.layout import ROOT, STATE_DIR

KIT_FOLDER = "workbook-offline-kit"
DEFAULT_ARCHIVE = ROOT / "offline-kit" / f"{KIT_FOLDER}.tar"
IMAGE_PYTHON = "3.13"  # the Python of python:3.13-slim and of its substitute
NOTEBOOK_REQUIREMENTS = ROOT / "docker" / "offline-requirements.txt"
SDIST_SUFFIXES = (".tar.gz", ".zip")
DEFAULT_BUILD_REQUIRES = ["setuptools>=40.8.0", "wheel"]  # pip's own default without [build-system]


@dataclass(frozen=True)
class WheelSet:
    """One `pip install` the kit must serve: its arguments, the folder and the Python it is for."""

    name: str
    folder: str  # "host" or "image"
    requirements: tuple[str, ...]  # pip arguments: ("-r", "requirements.txt") or requirement specifiers
    python: str | None  # None: the Python running pip; "3.13": wheels for that version only


def host_python() -> str:
    """'3.11' for the Python running the workbook's tools."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def notebook_lines(path: Path = NOTEBOOK_REQUIREMENTS) -> list[list[str]]:
    """The requirement lines of docker/offline-requirements.txt, each split into specifiers."""
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].split() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def wheel_sets(
    host_pythons: list[str] | None = None, book: bool = True, notebooks: bool = True, app_only: bool = False
) -> list[WheelSet]:
    """Every `pip install` the kit serves. ``app_only`` keeps app/requirements.txt alone (the test's kit)."""
    pythons = host_pythons or [host_python()]
    sets: list[WheelSet] = []
    host_files = ["app/requirements.txt"] if app_only else ["requirements.lock"] + (["requirements-book.txt"] * book)
    for version in pythons:
        pinned = None if version == host_python() else version
        sets += [WheelSet(f"{name} (Python {version})", "host", ("-r", name), pinned) for name in host_files]
    sets.append(
        WheelSet(
            f"app/requirements.txt (image, Python {IMAGE_PYTHON})",
            "image",
            ("-r", "app/requirements.txt"),
            IMAGE_PYTHON,
        )
    )
    if notebooks and not app_only:
        for line in notebook_lines():
            sets.append(WheelSet(f"notebooks: {' '.join(line)}", "image", tuple(line), IMAGE_PYTHON))
    return sets


def pip_download(wset: WheelSet, dest: Path, binary_only: bool = True) -> list[str]:
    """The `pip download` command for ``wset``; without ``binary_only`` it takes sources, no dependencies."""
    command = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--dest", str(dest)]
    if wset.python is not None:
        command += ["--python-version", wset.python, "--implementation", "cp"]
        command += ["--only-binary=:all:"] if binary_only else ["--no-deps"]
    return command + list(wset.requirements)


def build_requirements(sdist: Path) -> list[str]:
    """The ``[build-system] requires`` of a source archive's pyproject.toml (pip's default without one)."""
    text = None
    if sdist.name.endswith(".tar.gz"):
        with tarfile.open(sdist) as archive:
            for member in archive.getmembers():
                if member.name.count("/") == 1 and member.name.endswith("/pyproject.toml"):
                    handle = archive.extractfile(member)
                    text = handle.read().decode() if handle else None
                    break
    if text is None:
        return list(DEFAULT_BUILD_REQUIRES)
    section = re.search(r"^\[build-system\](.*?)(?=^\[|\Z)", text, re.S | re.M)
    requires = re.search(r"requires\s*=\s*\[(.*?)\]", section.group(1), re.S) if section else None
    if requires is None:
        return list(DEFAULT_BUILD_REQUIRES)
    return re.findall(r"[\"']([^\"']+)[\"']", requires.group(1))


def sdists(folder: Path) -> list[Path]:
    """The source archives (not wheels) in ``folder``."""
    return sorted(p for p in folder.iterdir() if p.name.endswith(SDIST_SUFFIXES))


def _pip(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)


def download(wset: WheelSet, dest: Path) -> str:
    """Download ``wset`` into ``dest`` (sources, if any, with their build tools); a line saying how.

    Raises WorkbookError with pip's last lines when nothing fits.
    """
    dest.mkdir(parents=True, exist_ok=True)
    done = _pip(pip_download(wset, dest))
    how = "wheels"
    if done.returncode != 0 and wset.python is not None:
        done = _pip(pip_download(wset, dest, binary_only=False))
        how = "wheels and sources, listed dependencies only"
    if done.returncode != 0:
        tail = "\n".join(line for line in done.stderr.splitlines() if "is ignored" not in line)[-600:]
        raise WorkbookError(f"pip could not download {wset.name}:\n{tail}")
    for sdist in sdists(dest):
        tools = WheelSet(f"build tools of {sdist.name}", wset.folder, tuple(build_requirements(sdist)), wset.python)
        if _pip(pip_download(tools, dest)).returncode != 0:
            raise WorkbookError(f"pip could not download the build tools of {sdist.name}: {tools.requirements}")
    return f"{wset.name}: {how}"


def sha256(path: Path) -> str:
    """The hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entries(folder: Path) -> list[dict]:
    """``{file, sha256, size}`` for every file in ``folder``, sorted by name."""
    return [
        {"file": p.name, "sha256": sha256(p), "size": p.stat().st_size} for p in sorted(folder.iterdir()) if p.is_file()
    ]


def required_images() -> list[dict]:
    """Role, image name (as resolved in compose/.env) and official name of every base image."""
    return [{"role": b.role, "name": resolved(b.role), "official": b.official} for b in BASE_IMAGES]


def save_images(names: list[str], out: Path) -> None:
    """``docker save -o out names…``; raises WorkbookError with docker's message."""
    done = subprocess.run(["docker", "save", "-o", str(out), *names], capture_output=True, text=True)
    if done.returncode != 0:
        raise WorkbookError(f"docker save failed: {done.stderr.strip()}")


def image_id(name: str) -> str:
    """The engine's ID of image ``name`` (``docker image inspect``)."""
    done = subprocess.run(["docker", "image", "inspect", "--format", "{{.Id}}", name], capture_output=True, text=True)
    if done.returncode != 0:
        raise WorkbookError(f"{name} is not on the engine: run `make setup` first. ({done.stderr.strip()})")
    return done.stdout.strip()


def archive_image_names(images_tar: Path) -> list[str]:
    """The image names a ``docker save`` archive carries (``RepoTags`` of its manifest.json; both stores)."""
    with tarfile.open(images_tar) as archive:
        handle = archive.extractfile("manifest.json")
        entries = json.loads(handle.read()) if handle else []
    return sorted(tag for entry in entries for tag in entry.get("RepoTags") or [])


def manifest(kit: Path, images: list[dict], sets: list[WheelSet], store: str) -> dict:
    """The kit's manifest: images with IDs, wheel sets, every wheel file with its sha256."""
    wheels = {sub.name: file_entries(sub) for sub in sorted((kit / "wheels").iterdir()) if sub.is_dir()}
    return {
        "format": 1,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": platform.machine(),
        "image_store": store,
        "image_python": IMAGE_PYTHON,
        "images_archive": "images.tar",
        "images": images,
        "sets": [asdict(s) for s in sets],
        "wheels": wheels,
        "requirements_sha256": {
            name: sha256(ROOT / name)
            for name in ("requirements.txt", "requirements.lock", "app/requirements.txt", "requirements-book.txt")
            if (ROOT / name).exists()
        },
    }


def image_store() -> str:
    """'containerd' or 'classic', as ``docker info`` reports the engine's image store."""
    done = subprocess.run(["docker", "info", "--format", "{{json .DriverStatus}}"], capture_output=True, text=True)
    return "containerd" if "io.containerd.snapshotter" in done.stdout else "classic"


def build_kit(out: Path, sets: list[WheelSet], say: Callable[[str], None] = print) -> dict:
    """Write the kit archive ``out``; return its manifest. Downloads and ``docker save`` run side by side."""
    out.parent.mkdir(parents=True, exist_ok=True)
    images = required_images()
    for entry in images:
        entry["id"] = image_id(entry["name"])
    with tempfile.TemporaryDirectory(prefix="kit-", dir=out.parent) as tmp:
        kit = Path(tmp) / KIT_FOLDER
        (kit / "wheels").mkdir(parents=True)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            saving = pool.submit(save_images, [e["name"] for e in images], kit / "images.tar")
            # Each set downloads into its own folder first, so that a set's sources are its own.
            jobs = [(s, kit / "wheels" / ".sets" / str(i)) for i, s in enumerate(sets)]
            for line in pool.map(lambda job: download(*job), jobs):
                say(f"  {line}")
            saving.result()
        say(f"  images: {', '.join(e['name'] for e in images)} (docker save)")
        for wset, folder in jobs:
            target = kit / "wheels" / wset.folder
            target.mkdir(exist_ok=True)
            for file in folder.iterdir():
                if not (target / file.name).exists():
                    shutil.copy2(file, target / file.name)
        shutil.rmtree(kit / "wheels" / ".sets")
        data = manifest(kit, images, sets, image_store())
        data["seconds"] = round(time.monotonic() - started, 1)
        (kit / "manifest.json").write_text(json.dumps(data, indent=2) + "\n")
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(kit, arcname=KIT_FOLDER)
        partial.replace(out)
    return data


def main(argv: list[str] | None = None) -> int:
    """Entry point of `make offline-kit`."""
    parser = argparse.ArgumentParser(prog="python -m workbook.kit", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_ARCHIVE, help="the archive to write")
    parser.add_argument("--pythons", default="", help="host Python versions, e.g. 3.11,3.12 (default: this one)")
    parser.add_argument("--no-book", action="store_true", help="leave requirements-book.txt (make html) out")
    args = parser.parse_args(argv)
    pythons = [v.strip() for v in args.pythons.split(",") if v.strip()] or None
    if (STATE_DIR / "offline-kit.json").exists():
        print("offline-kit: this checkout is in offline mode; copy the kit it loaded, or `make offline-leave` first.")
        return 2
    print(f"offline kit: downloading wheels and saving images into {args.out} …")
    started = time.monotonic()
    try:
        data = build_kit(args.out, wheel_sets(pythons, book=not args.no_book))
    except WorkbookError as error:
        print(f"offline-kit: {error}", file=sys.stderr)
        return 2
    count = sum(len(files) for files in data["wheels"].values())
    print(
        f"offline kit: {len(data['images'])} images, {count} wheel and source files, "
        f"{args.out.stat().st_size / 1e6:.0f} MB, {time.monotonic() - started:.0f} s: {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
