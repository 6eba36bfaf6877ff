"""Reading the image store from `docker info`: containerd snapshotter or the classic store."""

from workbook.imagestore import CLASSIC, CONTAINERD, image_store, store_line

CONTAINERD_INFO = {"Driver": "overlayfs", "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]]}
CLASSIC_INFO = {
    "Driver": "overlay2",
    "DriverStatus": [["Backing Filesystem", "extfs"], ["Supports d_type", "true"], ["Using metacopy", "false"]],
}


def test_containerd_store_is_read_from_the_driver_type():
    assert image_store(CONTAINERD_INFO) == CONTAINERD
    assert store_line(CONTAINERD_INFO) == (
        "Image store: containerd (docker info: Storage Driver overlayfs, driver-type io.containerd.snapshotter.v1)"
    )


def test_anything_else_is_the_classic_store():
    assert image_store(CLASSIC_INFO) == CLASSIC
    assert image_store({"Driver": "vfs", "DriverStatus": None}) == CLASSIC
    assert image_store({}) == CLASSIC
    assert "classic" in store_line(CLASSIC_INFO) and "overlay2" in store_line(CLASSIC_INFO)
