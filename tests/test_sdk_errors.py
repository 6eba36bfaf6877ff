"""workbook.sdk_errors: real SDK errors from the engine, explained in one line."""

from __future__ import annotations

import docker
import docker.errors
import pytest
import requests

from workbook.images import resolved
from workbook.sdk_errors import DockerProblem, explain, friendly


def test_not_found(client):
    with pytest.raises(docker.errors.NotFound) as raised:
        client.containers.get("wbtest-no-such-container")
    message = explain(raised.value)
    assert message.startswith("Not found (HTTP 404): No such container: wbtest-no-such-container.")
    assert "docker ps -a" in message and "\n" not in message


def test_image_not_found_without_pulling(client):
    with pytest.raises(docker.errors.ImageNotFound) as raised:
        client.containers.create("workbook/no-such-image:1", ["true"])
    assert explain(raised.value).startswith("Image not found")


def test_version_too_new():
    with pytest.raises(docker.errors.APIError) as raised:
        docker.DockerClient(version="1.99").version()
    assert explain(raised.value).startswith("API version mismatch: the client asked for API 1.99")


def test_conflict_and_missing_command(client, test_labels):
    python = resolved("python")
    client.containers.create(python, ["true"], name="wbtest-sdk-errors", labels=test_labels)
    with pytest.raises(docker.errors.APIError) as raised:
        client.containers.create(python, ["true"], name="wbtest-sdk-errors", labels=test_labels)
    assert explain(raised.value).startswith('Conflict (HTTP 409): The container name "/wbtest-sdk-errors"')
    bad = client.containers.create(python, ["no-such-command"], labels=test_labels)
    with pytest.raises(docker.errors.APIError) as raised:
        bad.start()
    assert "no program `no-such-command`" in explain(raised.value)


def test_other_errors_fake():
    response = requests.Response()
    response.status_code = 500
    error = docker.errors.APIError("500 Server Error", response=response, explanation="disk full")
    assert explain(error) == "The engine failed (HTTP 500): disk full"
    assert "No answer from the Docker engine" in explain(docker.errors.DockerException("no socket"))
    assert explain(ValueError("x")) == "ValueError: x"


def test_friendly_turns_sdk_errors_into_one_line(client):
    with pytest.raises(DockerProblem, match="^Not found"):
        with friendly():
            client.containers.get("wbtest-no-such-container")
    with pytest.raises(KeyError):  # other errors pass through unchanged
        with friendly():
            raise KeyError("x")
