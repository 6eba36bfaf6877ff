"""Checks for notebook 07 (registry): verified against the running registry itself."""

from __future__ import annotations

import docker
import docker.errors
import requests

from workbook.checks import passed, require
from workbook.docker_config import TempDockerConfig
from workbook.errors import CheckFailed
from workbook.exercise_setup import EX_REPOSITORY, EX_TAG, ExerciseRegistry
from workbook.registry import Registry, RegistryError


def _catalog(registry: Registry) -> list[str]:
    """The registry's repositories; CheckFailed when it does not answer (it was removed or stopped)."""
    try:
        return registry.catalog()
    except (RegistryError, requests.RequestException, KeyError) as error:
        raise CheckFailed(
            f"The registry at {registry.host} does not answer ({type(error).__name__}): "
            "run the cell that starts it again."
        ) from None


def check_pushed(registry: Registry, repository: str, tag: str, client: docker.DockerClient) -> bool:
    """The registry has ``repository:tag`` and its manifest is the one of the local image."""
    catalog = _catalog(registry)
    require(
        repository in catalog,
        f"The registry has no repository {repository!r} (it has {catalog}). "
        f"Tag the image as {registry.host}/{repository}:{tag} and push that name.",
    )
    require(
        tag in registry.tags(repository),
        f"{repository} has no tag {tag!r} (tags: {registry.tags(repository)}). "
        f"Push {registry.host}/{repository}:{tag}.",
    )
    name = f"{registry.host}/{repository}"
    try:
        image = client.images.get(f"{name}:{tag}")
    except docker.errors.ImageNotFound:
        raise CheckFailed(f"There is no local image {name}:{tag}; tag it before pushing.") from None
    digest = registry.manifest(repository, tag).digest
    require(
        f"{name}@{digest}" in image.attrs.get("RepoDigests", []),
        f"The registry's {repository}:{tag} ({digest}) is not the local image {name}:{tag}. Push it again.",
    )
    return passed(f"{registry.host}/{repository}:{tag} is in the registry, digest {digest}, same as the local image.")


def check_credentials(
    registry: Registry, user: object, password: object, config: TempDockerConfig | None = None
) -> bool:
    """``user``/``password`` authenticate at the registry, and are the login stored in ``config``.

    With ``config`` (the exercise's temporary DOCKER_CONFIG, whose random user and password
    appear nowhere else), passing proves that its config.json was read and decoded: both the
    user and the password must be the stored ones, not another account's that works too.
    """
    require(
        isinstance(user, str) and isinstance(password, str) and bool(user) and bool(password),
        "found_user and found_password must both be non-empty strings (they are still `...`).",
    )
    if config is not None:
        stored = config.stored_credentials(registry.host)
        require(stored is not None, f"{config.config_file} has no login for {registry.host}; run the cell above again.")
        require(
            (user, password) == stored,
            f"{user!r} with that password is not the login stored in {config.config_file}: "
            "decode its 'auth' value (base64 of user:password).",
        )
    answer = registry.request("GET", "/v2/", auth=(user, password))
    require(
        answer.status_code == 200,
        f"The registry refused {user!r} with that password (HTTP {answer.status_code}). "
        "Decode the 'auth' value of config.json with base64: it is 'user:password'.",
    )
    anonymous = registry.request("GET", "/v2/", auth=None)
    require(anonymous.status_code == 401, "The registry lets anyone in; this check needs the authenticated one.")
    return passed(f"the user and password you decoded from config.json log in to {registry.host} (anonymous: 401).")


def check_deleted(registry: Registry, repository: str, tag: str) -> bool:
    """``repository:tag`` was pushed, is gone now, and garbage collection left nothing to collect.

    The registry keeps a repository's folder (and lists it in ``_catalog``) after its
    manifests are deleted, so a repository that is not there was never pushed.
    """
    require(
        repository in _catalog(registry),
        f"The registry never had {repository}: push {registry.host}/{repository}:{tag} (exercise 1), then delete it.",
    )
    try:
        tags = registry.tags(repository)
    except RegistryError:
        tags = []  # no tag left: 2.8 answers 404 NAME_UNKNOWN for a repository without tags
    require(tag not in tags, f"{repository} still has the tag {tag!r}: DELETE its manifest by digest.")
    require(
        not registry.has_manifest(repository, tag),
        f"{repository}:{tag} still answers: DELETE /v2/{repository}/manifests/<digest>.",
    )
    try:
        pending = registry.garbage_collect(dry_run=True)
    except (RegistryError, requests.RequestException, docker.errors.APIError) as error:
        raise CheckFailed(f"Could not ask the garbage collector: {error}") from None
    require(
        not pending,
        f"{len(pending)} unused blobs are still on disk: run `registry garbage-collect` in the registry.",
    )
    return passed(f"{repository}:{tag} is deleted and no unused blob is left on the registry's volume.")


def check_exercise_login(ex: ExerciseRegistry, found_user: object, found_password: object) -> bool:
    """Exercise 1: the login decoded from ``ex.config``'s config.json, and it works."""
    return check_credentials(ex.registry, found_user, found_password, ex.config)


def check_exercise_push(ex: ExerciseRegistry, client: docker.DockerClient) -> bool:
    """Exercise 2: the refused push went through: the registry lists the repository and tag, same digest."""
    repository, tag = EX_REPOSITORY, EX_TAG
    require(
        repository in _catalog(ex.registry),
        f"The registry at {ex.host} has no {repository} yet: read why the push was refused, fix that, push {ex.image}.",
    )
    return check_pushed(ex.registry, repository, tag, client)


def check_exercise_deleted(ex: ExerciseRegistry) -> bool:
    """Exercise 3: the pushed image deleted by digest, and nothing left for the garbage collector."""
    return check_deleted(ex.registry, EX_REPOSITORY, EX_TAG)
