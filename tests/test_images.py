import pytest

from workbook.errors import ImageUnavailable
from workbook.images import (
    BASE_IMAGES,
    Resolution,
    by_role,
    debian_packages,
    mmdebstrap_command,
    read_env_file,
    recipe_digest,
    resolve,
    resolved,
    write_env_file,
)
from workbook.ports import any_free_port
from workbook.web import wait_for_http


def test_env_file_round_trip(tmp_path):
    path = tmp_path / ".env"
    write_env_file([Resolution("python", "python:3.12-slim", "official, present")], path)
    assert read_env_file(path) == {"PYTHON_IMAGE": "python:3.12-slim"}
    assert path.read_text().startswith("# Written by `make setup`")


def test_resolved_without_setup_says_run_make_setup(monkeypatch, tmp_path):
    monkeypatch.delenv("PYTHON_IMAGE", raising=False)
    monkeypatch.setattr("workbook.base_images.ENV_FILE", tmp_path / "missing.env")
    monkeypatch.setattr("workbook.base_images.ROOT", tmp_path)
    with pytest.raises(ImageUnavailable, match="Run `make setup` first"):
        resolved("python")


def test_every_role_has_a_recipe():
    for base in BASE_IMAGES:
        assert (base.recipe_dir / "Dockerfile").is_file()
        assert debian_packages(base), base.role
    assert "python3-pip" in debian_packages(by_role("python"))


def test_recipe_digest_changes_with_the_ca_bundle(tmp_path):
    base = by_role("redis")
    bundle = tmp_path / "ca.crt"
    bundle.write_text("one")
    first = recipe_digest(base, bundle)
    bundle.write_text("two")
    assert recipe_digest(base, bundle) != first


def test_mmdebstrap_makes_a_minimal_tarball_without_docs(tmp_path):
    command = mmdebstrap_command(["python3", "redis-server"], tmp_path / "r.tar")
    assert command[:2] == ["mmdebstrap", "--variant=minbase"]
    assert "--include=python3,redis-server" in command
    assert "--dpkgopt=path-exclude=/usr/share/doc/*" in command
    assert str(tmp_path / "r.tar") in command


def test_resolve_prefers_an_official_image_already_present(client):
    # The substitute is present here; pretend it is the official name of a role.
    fake = type(by_role("python"))("python", "PYTHON_IMAGE", resolved("python"), "unused", "")
    assert resolve(client, fake, offline=True).how == "official, present"


def test_resolve_offline_uses_the_current_substitute(client):
    base = by_role("python")
    if resolved("python") == base.official:
        pytest.skip("the official image is present on this machine")
    resolution = resolve(client, base, offline=True, before_build=lambda: pytest.fail("must not rebuild"))
    assert resolution == Resolution("python", base.substitute, "substitute, cached")


def test_python_image_has_python_and_pip_and_allows_installs(client):
    script = (
        "python --version && pip --version >/dev/null && "
        "python -c 'import os, sysconfig; "
        'print(os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))\''
    )
    out = client.containers.run(resolved("python"), ["sh", "-c", script], remove=True).decode()
    assert out.startswith("Python 3.")
    assert out.splitlines()[-1] == "False"


def test_redis_image_runs_with_protected_mode_off(client, test_labels):
    box = client.containers.run(resolved("redis"), detach=True, labels=test_labels)
    out = box.exec_run(
        [
            "sh",
            "-c",
            "for i in 1 2 3 4 5 6 7 8 9 10; do redis-cli ping && break; sleep 0.2; done; "
            "redis-cli config get protected-mode",
        ]
    )
    assert out.output.decode().split() == ["PONG", "protected-mode", "no"]


def test_registry_image_serves_the_v2_api(client, test_labels):
    port = any_free_port()
    client.containers.run(
        resolved("registry"), detach=True, labels=test_labels, ports={"5000/tcp": ("127.0.0.1", port)}
    )
    assert wait_for_http(f"http://127.0.0.1:{port}/v2/_catalog", timeout=20).json() == {"repositories": []}
