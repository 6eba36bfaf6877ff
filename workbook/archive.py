"""Open a ``docker save`` archive: an image is a manifest, a config JSON and layer tarballs.

``docker save`` (engine 20.10) writes ``manifest.json`` (which config and which layers
make each tagged image), the config ``<digest>.json`` (what ``docker image inspect``
shows: Cmd, User, Env, the layers' diff IDs, the history) and one ``layer.tar`` per
layer. Newer engines write the OCI layout (``index.json``, ``blobs/sha256/…``) and a
``manifest.json`` in the same shape, so both read the same way here.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

from workbook.errors import WorkbookError

CHUNK = 1 << 20


@dataclass(frozen=True)
class Layer:
    """One layer tarball inside the archive."""

    path: str
    size: int
    sha256: str

    @property
    def diff_id(self) -> str:
        """``sha256:…`` of the uncompressed tarball: what the config lists in rootfs.diff_ids."""
        return f"sha256:{self.sha256}"


@dataclass(frozen=True)
class ImageArchive:
    """What one image of a ``docker save`` archive is made of."""

    path: Path
    names: list[str]
    manifest: list[dict]
    config_path: str
    config_sha256: str
    config: dict
    layers: list[Layer]

    @property
    def image_id(self) -> str:
        """``sha256:`` + the hash of the config file's bytes: the image ID."""
        return f"sha256:{self.config_sha256}"


def _sha256(handle) -> str:  # noqa: ANN001 - a binary file object from tarfile
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(CHUNK), b""):
        digest.update(block)
    return digest.hexdigest()


def read_image_archive(path: str | Path, index: int = 0) -> ImageArchive:
    """Read image ``index`` of the archive at ``path``: manifest, config and hashed layers."""
    path = Path(path)
    if not path.is_file():
        raise WorkbookError(f"No archive at {path}: run `docker save -o {path.name} IMAGE` first.")
    with tarfile.open(path) as archive:
        names = sorted(archive.getnames())
        try:
            manifest = json.load(archive.extractfile("manifest.json"))
        except KeyError:
            raise WorkbookError(f"{path} has no manifest.json: is it a `docker save` archive?") from None
        entry = manifest[index]
        config_bytes = archive.extractfile(entry["Config"]).read()
        layers = []
        for layer_path in entry["Layers"]:
            member = archive.getmember(layer_path)
            layers.append(Layer(layer_path, member.size, _sha256(archive.extractfile(member))))
    return ImageArchive(
        path=path,
        names=names,
        manifest=manifest,
        config_path=entry["Config"],
        config_sha256=hashlib.sha256(config_bytes).hexdigest(),
        config=json.loads(config_bytes),
        layers=layers,
    )


def layer_files(archive_path: str | Path, layer_path: str) -> list[str]:
    """The paths of the regular files inside one layer tarball of the archive."""
    with tarfile.open(archive_path) as archive:
        inner = archive.extractfile(layer_path)
        if inner is None:
            raise WorkbookError(f"{layer_path} is not a file in {archive_path}.")
        with tarfile.open(fileobj=inner) as layer:
            return sorted(member.name for member in layer.getmembers() if member.isfile())
