"""Checks of notebook 03: two tags of one image; the megabytes an image adds to its base."""

import pytest

from workbook.build import build_image
from workbook.checks.image import app_layers_mb, check_app_layers_mb, check_same_image
from workbook.cleanup import remove_labelled
from workbook.engine import connect
from workbook.errors import CheckFailed

NAME = "test-checks-image"
LABELS = {"org.workbook.notebook": NAME}


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    client = connect()
    remove_labelled(client, NAME)
    folder = tmp_path_factory.mktemp("images")
    (folder / "small.txt").write_text("a\n")
    (folder / "big.bin").write_bytes(b"\1" * 3_000_000)
    (folder / "Base.Dockerfile").write_text("FROM scratch\nCOPY small.txt /\n")
    build_image(
        client, folder, "wb-test-checks:base", dockerfile=folder / "Base.Dockerfile", labels=LABELS, progress=None
    )
    (folder / "App.Dockerfile").write_text("FROM wb-test-checks:base\nCOPY big.bin /\n")
    build_image(
        client, folder, "wb-test-checks:app", dockerfile=folder / "App.Dockerfile", labels=LABELS, progress=None
    )
    yield client
    remove_labelled(client, NAME)


def test_same_image(images):
    images.images.get("wb-test-checks:app").tag("wb-test-checks", "again")
    assert check_same_image(images, "wb-test-checks:app", "wb-test-checks:again")
    with pytest.raises(CheckFailed, match="not a new tag"):
        check_same_image(images, "wb-test-checks:app", "wb-test-checks:base")
    with pytest.raises(CheckFailed, match="different name"):
        check_same_image(images, "wb-test-checks:app", "wb-test-checks:app")
    with pytest.raises(CheckFailed, match="no image"):
        check_same_image(images, "wb-test-checks:app", "wb-test-checks:missing")


def test_app_layers(images):
    assert 2.9 < app_layers_mb(images, "wb-test-checks:app", "wb-test-checks:base") < 3.1
    assert check_app_layers_mb(images, "wb-test-checks:app", "wb-test-checks:base", 3)
    with pytest.raises(CheckFailed, match="more than that"):
        check_app_layers_mb(images, "wb-test-checks:app", "wb-test-checks:base", 1)
    with pytest.raises(CheckFailed, match="a number"):
        check_app_layers_mb(images, "wb-test-checks:app", "wb-test-checks:base", None)
