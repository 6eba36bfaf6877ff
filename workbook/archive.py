"""Open a ``docker save`` archive: an image is an index, a manifest, a config JSON and layer blobs.

Engine 25 and later write an OCI image layout on both image stores: ``oci-layout``,
``index.json`` (the entry point) and every object as ``blobs/sha256/<digest>``, plus a
``manifest.json`` in the older shape (which config and which layers make each tagged
image) so that old tools still read it. Engine 20.10 wrote only ``manifest.json``, a
``<digest>.json`` config and one ``<id>/layer.tar`` per layer. ``read_image_archive``
reads all of them through ``manifest.json``; ``oci_tree`` walks the OCI layout from
``index.json`` down to the config and the layers.

A layer blob may be compressed (the containerd image store keeps gzip blobs, the classic
store uncompressed tarballs); the config's ``rootfs.diff_ids`` name the *uncompressed*
tarballs, so each layer records both hashes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

from workbook.errors import WorkbookError

CHUNK = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
INDEX_TYPES = ("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json")


@dataclass(frozen=True)
class Layer:
    """One layer blob inside the archive: its size and hash as stored, and the uncompressed hash."""

    path: str
    size: int
    sha256: str
    uncompressed_sha256: str | None = None

    @property
    def compressed(self) -> bool:
        """True when the blob is gzip-compressed (its stored hash is then not the diff ID)."""
        return self.uncompressed_sha256 is not None and self.uncompressed_sha256 != self.sha256

    @property
    def diff_id(self) -> str:
        """``sha256:…`` of the uncompressed tarball: what the config lists in rootfs.diff_ids."""
        return f"sha256:{self.uncompressed_sha256 or self.sha256}"


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
    index: dict | None = None

    @property
    def config_digest(self) -> str:
        """``sha256:`` + the hash of the config file's bytes (the image ID on the classic store)."""
        return f"sha256:{self.config_sha256}"

    @property
    def image_id(self) -> str:
        """The config digest: the image ID on the classic store (and on engine 20.10)."""
        return self.config_digest

    @property
    def top_level(self) -> list[str]:
        """The archive's top-level entries, sorted."""
        return sorted({name.split("/")[0] for name in self.names})

    @property
    def index_digest(self) -> str | None:
        """The digest that ``index.json`` points at first (None for an archive without index.json)."""
        if not self.index or not self.index.get("manifests"):
            return None
        return self.index["manifests"][0]["digest"]


def _hashes(handle) -> tuple[str, str]:  # noqa: ANN001 - a seekable binary file object from tarfile
    """The sha256 of the bytes as stored, and of the bytes after gunzip (the same when not gzip)."""
    stored = _sha256(handle)
    handle.seek(0)
    if handle.read(2) != GZIP_MAGIC:
        return stored, stored
    handle.seek(0)
    with gzip.GzipFile(fileobj=handle) as unzipped:
        return stored, _sha256(unzipped)


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
        oci_index = json.load(archive.extractfile("index.json")) if "index.json" in names else None
        entry = manifest[index]
        config_bytes = archive.extractfile(entry["Config"]).read()
        layers = []
        for layer_path in entry["Layers"]:
            member = archive.getmember(layer_path)
            stored, unpacked = _hashes(archive.extractfile(member))
            layers.append(Layer(layer_path, member.size, stored, unpacked))
    return ImageArchive(
        path=path,
        names=names,
        manifest=manifest,
        config_path=entry["Config"],
        config_sha256=hashlib.sha256(config_bytes).hexdigest(),
        config=json.loads(config_bytes),
        layers=layers,
        index=oci_index,
    )


@dataclass(frozen=True)
class Node:
    """One object of an OCI layout, reached from ``index.json``: how deep, what kind, which digest."""

    depth: int
    media_type: str
    digest: str
    size: int
    note: str = ""

    @property
    def kind(self) -> str:
        """A short name for the media type: index, manifest, config, layer, or the type itself."""
        media = self.media_type
        if media in INDEX_TYPES:
            return "index"
        if "manifest" in media:
            return "manifest"
        if "config" in media:
            return "config"
        if "layer" in media:
            return "layer (gzip)" if media.endswith("gzip") else "layer"
        return media


def _note(descriptor: dict) -> str:
    platform = descriptor.get("platform")
    annotations = descriptor.get("annotations", {})
    if annotations.get("vnd.docker.reference.type") == "attestation-manifest":
        return "attestation (build provenance)"
    if platform:
        return f"{platform.get('os')}/{platform.get('architecture')}"
    return annotations.get("org.opencontainers.image.ref.name", "")


def oci_tree(path: str | Path) -> list[Node]:
    """The objects of the archive's OCI layout, depth first from ``index.json``.

    Raises:
        WorkbookError: the archive has no ``index.json`` (engine 24 or older wrote none).
    """
    with tarfile.open(path) as archive:
        try:
            root = json.load(archive.extractfile("index.json"))
        except KeyError:
            raise WorkbookError(f"{path} has no index.json: an engine before 25 wrote it.") from None

        def blob(digest: str) -> dict:
            return json.load(archive.extractfile("blobs/sha256/" + digest.split(":", 1)[1]))

        nodes: list[Node] = []

        def visit(descriptor: dict, depth: int) -> None:
            media = descriptor["mediaType"]
            nodes.append(Node(depth, media, descriptor["digest"], descriptor["size"], _note(descriptor)))
            if media in INDEX_TYPES:
                for child in blob(descriptor["digest"])["manifests"]:
                    visit(child, depth + 1)
            elif "manifest" in media:
                body = blob(descriptor["digest"])
                visit(body["config"], depth + 1)
                for layer in body.get("layers", []):
                    visit(layer, depth + 1)

        for descriptor in root["manifests"]:
            visit(descriptor, 0)
    return nodes


def layer_files(archive_path: str | Path, layer_path: str) -> list[str]:
    """The paths of the regular files inside one layer tarball of the archive (gzip or not)."""
    with tarfile.open(archive_path) as archive:
        inner = archive.extractfile(layer_path)
        if inner is None:
            raise WorkbookError(f"{layer_path} is not a file in {archive_path}.")
        with tarfile.open(fileobj=inner, mode="r:*") as layer:
            return sorted(member.name for member in layer.getmembers() if member.isfile())
