"""Reading `docker save` archives: a hand-made one, and one the engine writes."""

import gzip
import hashlib
import io
import json
import subprocess
import tarfile

import pytest

from workbook.archive import layer_files, oci_tree, read_image_archive
from workbook.build import build_image
from workbook.cleanup import remove_labelled
from workbook.engine import connect
from workbook.errors import WorkbookError
from workbook.imagestore import CONTAINERD, image_store

NAME = "test-archive"


def _add(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def _layer(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as layer:
        for name, data in files.items():
            _add(layer, name, data)
    return buffer.getvalue()


def test_hand_made_archive(tmp_path):
    layer = _layer({"app/run.py": b"print('hi')\n"})
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = json.dumps({"config": {"User": "10001"}, "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": ["t:1"], "Layers": ["abc/layer.tar"]}]
    path = tmp_path / "image.tar"
    with tarfile.open(path, "w") as archive:
        _add(archive, "manifest.json", json.dumps(manifest).encode())
        _add(archive, config_name, config)
        _add(archive, "abc/layer.tar", layer)
    image = read_image_archive(path)
    assert image.image_id == "sha256:" + config_name[:-5]
    assert [layer.diff_id for layer in image.layers] == [diff_id]
    assert image.config["config"]["User"] == "10001"
    assert layer_files(path, "abc/layer.tar") == ["app/run.py"]


def test_not_an_archive_of_an_image(tmp_path):
    path = tmp_path / "other.tar"
    with tarfile.open(path, "w") as archive:
        _add(archive, "hello.txt", b"hi")
    with pytest.raises(WorkbookError, match="manifest.json"):
        read_image_archive(path)
    with pytest.raises(WorkbookError, match="docker save"):
        read_image_archive(tmp_path / "missing.tar")


def test_engine_archive_matches_the_image(tmp_path):
    client = connect()
    remove_labelled(client, NAME)
    try:
        (tmp_path / "a.txt").write_text("a\n")
        (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY a.txt /\n")
        image = build_image(
            client, tmp_path, "wb-test-archive:1", labels={"org.workbook.notebook": NAME}, progress=None
        )
        subprocess.run(["docker", "save", "-o", str(tmp_path / "s.tar"), "wb-test-archive:1"], check=True)
        saved = read_image_archive(tmp_path / "s.tar")
        if image_store(client.info()) == CONTAINERD:
            assert saved.index_digest == image.id  # the ID is the digest of the manifest (or index)
        else:
            assert saved.config_digest == image.id  # the ID is the digest of the config
        assert {"index.json", "oci-layout", "blobs", "manifest.json"} <= set(saved.top_level)
        assert [layer.diff_id for layer in saved.layers] == image.attrs["RootFS"]["Layers"]
        assert layer_files(saved.path, saved.layers[-1].path) == ["a.txt"]
    finally:
        remove_labelled(client, NAME)


def _digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_hand_made_oci_archive_with_a_gzip_layer(tmp_path):
    layer = _layer({"app/run.py": b"print('hi')\n"})
    packed = gzip.compress(layer)
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": [_digest(layer)]}}).encode()
    manifest = json.dumps(
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": _digest(config), "size": 1},
            "layers": [
                {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": _digest(packed), "size": 2}
            ],
        }
    ).encode()
    index = json.dumps(
        {
            "manifests": [
                {
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": _digest(manifest),
                    "size": len(manifest),
                    "platform": {"os": "linux", "architecture": "amd64"},
                }
            ]
        }
    ).encode()
    blob = {data: "blobs/sha256/" + _digest(data)[7:] for data in (packed, config, manifest)}
    legacy = [{"Config": blob[config], "RepoTags": ["t:1"], "Layers": [blob[packed]]}]
    path = tmp_path / "oci.tar"
    with tarfile.open(path, "w") as archive:
        for data, name in blob.items():
            _add(archive, name, data)
        _add(archive, "index.json", index)
        _add(archive, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        _add(archive, "manifest.json", json.dumps(legacy).encode())
    image = read_image_archive(path)
    assert image.top_level == ["blobs", "index.json", "manifest.json", "oci-layout"]
    assert image.index_digest == _digest(manifest) and image.config_digest == _digest(config)
    assert image.layers[0].compressed and image.layers[0].diff_id == _digest(layer)
    assert "sha256:" + image.layers[0].sha256 == _digest(packed)
    assert layer_files(path, blob[packed]) == ["app/run.py"]
    tree = oci_tree(path)
    assert [(n.depth, n.kind, n.note) for n in tree] == [
        (0, "manifest", "linux/amd64"),
        (1, "config", ""),
        (1, "layer (gzip)", ""),
    ]


def test_oci_tree_needs_an_index(tmp_path):
    path = tmp_path / "old.tar"
    with tarfile.open(path, "w") as archive:
        _add(archive, "manifest.json", b"[]")
    with pytest.raises(WorkbookError, match="index.json"):
        oci_tree(path)
