"""Issue 10: every exercise check fails with CheckFailed (never NameError, AttributeError or a
pass) when its exercise is not done: the answer left as the skeleton's `...`, the object missing.
The new exercises (04's broken container, 07's refused push, 08's compose file from scratch)
are also checked solved, against the real engine."""

from __future__ import annotations

import subprocess
import uuid

import pytest
import requests

from workbook.checks.client import check_calls
from workbook.checks.compose import check_compose_from_scratch, check_hits_in_redis, check_scaled
from workbook.checks.container import check_fixed_container, check_volume_keeps
from workbook.checks.daemon import check_engine_facts
from workbook.checks.flask_app import check_greeting_app, check_running_server
from workbook.checks.image import check_app_layers_mb
from workbook.checks.registry import check_exercise_deleted, check_exercise_login, check_exercise_push
from workbook.checks.setup import check_container_python, check_storage_driver
from workbook.errors import CheckFailed
from workbook.exercise_setup import BROKEN, start_broken_container, start_exercise_registry, try_push
from workbook.images import resolved

UNSOLVED = ...


def test_value_answers_left_as_skeletons_fail(client):
    with pytest.raises(CheckFailed, match="still `...`"):
        check_storage_driver(client, UNSOLVED)
    with pytest.raises(CheckFailed, match="still `...`"):
        check_container_python(client, UNSOLVED)
    with pytest.raises(CheckFailed, match="Flask application"):
        check_greeting_app(UNSOLVED)
    with pytest.raises(CheckFailed, match="nb.start_process"):
        check_running_server(UNSOLVED, UNSOLVED)
    with pytest.raises(CheckFailed, match="number of megabytes"):
        check_app_layers_mb(client, resolved("python"), resolved("python"), UNSOLVED)
    with pytest.raises(CheckFailed, match="should be a string"):
        check_engine_facts(client, UNSOLVED, UNSOLVED)
    with pytest.raises(CheckFailed, match="non-empty list"):
        check_calls(object(), UNSOLVED)  # type: ignore[arg-type]
    with pytest.raises(CheckFailed, match="should be an int"):
        check_hits_in_redis("wb08-never-up", UNSOLVED, client)


def test_missing_objects_fail(client, test_labels, tmp_path):
    with pytest.raises(CheckFailed, match="no volume"):
        check_volume_keeps(client, test_labels, volume=f"wb-test-{uuid.uuid4().hex[:6]}")
    with pytest.raises(CheckFailed, match="no container called"):
        check_fixed_container(client, test_labels, 1, broken="wb-test-never-created")
    with pytest.raises(CheckFailed, match="runs no web container"):
        check_scaled("wb08-never-up", client, replicas=1)
    with pytest.raises(CheckFailed, match="does not exist"):
        check_compose_from_scratch(tmp_path / "compose.yaml", client, test_labels)


def test_compose_file_that_is_not_up_fails(client, test_labels, tmp_path):
    path = tmp_path / "compose.yaml"
    path.write_text(
        "services:\n"
        "  web:\n    image: x\n    ports: ['127.0.0.1::5000']\n"
        "    depends_on: {redis: {condition: service_healthy}}\n"
        f"  redis:\n    image: {resolved('redis')}\n    healthcheck: {{test: [CMD, redis-cli, ping]}}\n"
    )
    with pytest.raises(CheckFailed, match="is not up"):
        check_compose_from_scratch(path, client, test_labels, project=f"wb-test-{uuid.uuid4().hex[:6]}")
    path.write_text("services:\n  web:\n    image: x\n")
    with pytest.raises(CheckFailed, match="needs `web` and `redis`"):
        check_compose_from_scratch(path, client, test_labels)


def test_broken_container_exercise(client, test_labels, tmp_path):
    image = start_broken_container(client, test_labels, tmp_path)
    try:
        broken = client.containers.get(BROKEN)
        assert broken.attrs["State"]["ExitCode"] == 1
        assert "KeyError: 'APP_PORT'" in broken.logs().decode()
        with pytest.raises(CheckFailed, match="not a number"):
            check_fixed_container(client, test_labels, UNSOLVED)
        with pytest.raises(CheckFailed, match="did not exit with 137"):
            check_fixed_container(client, test_labels, 137)
        with pytest.raises(CheckFailed, match="no container called 'wb04-fixed'"):
            check_fixed_container(client, test_labels, 1)
        still_broken = client.containers.run(image, name="wb04-fixed", detach=True, labels=test_labels)
        with pytest.raises(CheckFailed, match="no APP_PORT"):
            check_fixed_container(client, test_labels, 1)
        still_broken.remove(force=True)
        client.containers.run(
            image,
            name="wb04-fixed",
            detach=True,
            labels=test_labels,
            environment={"APP_PORT": "8000"},
            ports={"8000/tcp": ("127.0.0.1", None)},
        )
        assert check_fixed_container(client, test_labels, 1)
    finally:
        for name in (BROKEN, "wb04-fixed"):
            subprocess.run(["docker", "rm", "-f", name], capture_output=True)


def test_registry_exercises(client, test_labels, tmp_path):
    notebook = test_labels["org.workbook.notebook"]  # this worker's own: another test cleans up "tests-unit"
    ex = start_exercise_registry(client, notebook, test_labels, tmp_path)
    try:
        assert requests.get(f"http://{ex.host}/v2/", timeout=5).status_code == 401
        with pytest.raises(CheckFailed, match="non-empty strings"):
            check_exercise_login(ex, UNSOLVED, UNSOLVED)
        with pytest.raises(CheckFailed, match="not the login stored"):
            check_exercise_login(ex, *ex.registry.auth)  # the admin: works, but is not the stored login
        stored = ex.config.stored_credentials(ex.host)
        assert check_exercise_login(ex, *stored)
        with pytest.raises(CheckFailed, match="has no exercise/hello"):
            check_exercise_push(ex, client)
        with pytest.raises(CheckFailed, match="never had"):
            check_exercise_deleted(ex)
        stranger = type(ex.config)(notebook)
        try:
            status, last = try_push(ex.image, stranger)
        finally:
            stranger.remove()
        assert status != 0, last
        assert try_push(ex.image, ex.config)[0] == 0
        assert check_exercise_push(ex, client)
        with pytest.raises(CheckFailed, match="still has the tag"):
            check_exercise_deleted(ex)
        digest = ex.registry.manifest("exercise/hello", "v1").digest
        ex.registry.delete_with_children("exercise/hello", digest)
        with pytest.raises(CheckFailed, match="unused blobs"):
            check_exercise_deleted(ex)
        ex.registry.garbage_collect()
        assert check_exercise_deleted(ex)
    finally:
        ex.config.remove()
        subprocess.run(["docker", "image", "rm", ex.image], capture_output=True)
