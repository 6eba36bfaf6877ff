"""Reading the image store from `docker info`: containerd snapshotter or the classic store."""

from workbook.imagestore import (
    CLASSIC,
    CONTAINERD,
    history_layers,
    image_store,
    instruction_of,
    short_created_by,
    store_line,
)

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


class FakeImage:
    """Just enough of docker's Image for history_layers: a history, newest first."""

    def __init__(self, history):
        self._history = history

    def history(self):
        return self._history


def test_history_layers_split_base_and_app_by_count():
    base_history = [
        {"CreatedBy": '/bin/sh -c #(nop)  CMD ["python3"]', "Size": 0},
        {"CreatedBy": "/bin/sh -c #(nop) COPY file:" + "a" * 64 + " in /usr/local/share/ca.crt ", "Size": 242_000},
        {"CreatedBy": "", "Size": 143_000_000},
    ]
    app_history = [
        {"CreatedBy": "COPY . . # buildkit", "Size": 24_600},
        {"CreatedBy": "RUN |1 UID=10001 /bin/sh -c pip install x", "Size": 14_300_000},
        {"CreatedBy": "USER 10001", "Size": 0},
        *base_history,
    ]
    layers = history_layers(FakeImage(app_history), FakeImage(base_history))
    assert [(layer.part, layer.keyword, layer.created_by) for layer in layers] == [
        ("base", "FROM", "(imported root filesystem)"),
        ("base", "COPY", "COPY file:… in /usr/local/share/ca.crt"),
        ("app", "RUN", "RUN |1 UID=10001 pip install x"),
        ("app", "COPY", "COPY . ."),
    ]
    assert instruction_of("|1 UID=10001 /bin/sh -c useradd x") == "RUN"
    assert instruction_of("/bin/sh -c rm -f /x") == "RUN"
    assert instruction_of("WORKDIR /usr/src/app") == "WORKDIR"
    assert short_created_by("/bin/sh -c #(nop) COPY dir:" + "b" * 64 + " in . ") == "COPY dir:… in ."
