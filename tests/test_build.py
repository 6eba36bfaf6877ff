import uuid

import docker
import pytest

from workbook.build import BuildFailed, build_image
from workbook.images import resolved


def test_build_streams_steps_and_labels_the_image(client, test_labels, tmp_path):
    (tmp_path / "hello.txt").write_text("hi\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY hello.txt /\n")
    steps: list[str] = []
    image = build_image(client, tmp_path, "workbook-test/scratch:1", labels=test_labels, progress=steps.append)
    assert steps == [
        "Step 1/3 : FROM scratch",
        "Step 2/3 : COPY hello.txt /",
        f"Step 3/3 : LABEL org.workbook.notebook={test_labels['org.workbook.notebook']}",
    ]
    assert "workbook-test/scratch:1" in image.tags
    assert image.labels == test_labels


def test_a_failing_step_raises_with_the_builders_words(client, test_labels, tmp_path):
    (tmp_path / "Dockerfile").write_text(f"FROM {resolved('python')}\nRUN echo about to fail && exit 3\n")
    with pytest.raises(BuildFailed) as caught:
        build_image(client, tmp_path, "workbook-test/broken:1", labels=test_labels, progress=None)
    assert "returned a non-zero code: 3" in str(caught.value)
    assert "about to fail" in str(caught.value)


def test_a_dockerfile_outside_the_context_is_accepted(client, test_labels, tmp_path):
    context = tmp_path / "context"
    context.mkdir()
    (context / "a.txt").write_text("a")
    dockerfile = tmp_path / "elsewhere.Dockerfile"
    dockerfile.write_text("FROM scratch\nCOPY a.txt /\n")
    image = build_image(
        client, context, "workbook-test/outside:1", dockerfile=dockerfile, labels=test_labels, progress=None
    )
    assert image.labels == test_labels


def test_a_failed_build_leaves_no_intermediate_image(client, test_labels, tmp_path):
    # The other test worker builds images meanwhile: only images made by this build count,
    # recognised by a step whose text no other build has.
    marker = f"step-one-{uuid.uuid4().hex}"
    (tmp_path / "Dockerfile").write_text(f"FROM {resolved('python')}\nRUN echo {marker} > /one\nRUN exit 3\n")
    before = {image.id for image in client.images.list(all=True)}
    with pytest.raises(BuildFailed):
        build_image(client, tmp_path, "workbook-test/half:1", labels=test_labels, progress=None, nocache=True)
    new_images = {image.id for image in client.images.list(all=True)} - before
    from_this_build = [image_id for image_id in new_images if marker in _history_text(client, image_id)]
    assert from_this_build == []
    assert client.images.get(resolved("python")).tags, "the base image is never an intermediate"


def _history_text(client, image_id: str) -> str:
    try:
        return "\n".join(step.get("CreatedBy") or "" for step in client.api.history(image_id))
    except docker.errors.NotFound:  # removed by the other worker since it was listed
        return ""
