"""Base images: the official ones where present or pullable, else local substitutes.

Docker Hub cannot be reached from every machine (air-gapped classrooms, these CI
machines). For each image the workbook would pull, ``docker/substitutes/<role>/``
holds a recipe: a Debian package list (made into a root filesystem with mmdebstrap
and ``docker import``) and a Dockerfile that makes it behave like the official image.
``make setup`` resolves every role once and writes the result to ``compose/.env``,
which Compose and the notebooks both read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import docker
import docker.errors
import requests

from workbook.base_images import (  # noqa: F401  (re-exported: notebooks import them from here)
    BASE_IMAGES,
    DEBIAN_MIRROR,
    DEBIAN_SUITE,
    ENV_FILE,
    HOST_CA_BUNDLE,
    RECIPE_LABEL,
    SUBSTITUTE_LABEL,
    SUBSTITUTES,
    BaseImage,
    Resolution,
    by_role,
    read_env_file,
    resolved,
    write_env_file,
)
from workbook.build import build_image
from workbook.errors import ImageUnavailable
from workbook.layout import STATE_DIR


def is_present(client: docker.DockerClient, name: str) -> bool:
    """True when the engine has an image called ``name``."""
    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        return False
    return True


def try_pull(client: docker.DockerClient, name: str) -> bool:
    """Pull ``name``; False (not an exception) when the registry cannot be reached."""
    try:
        client.images.pull(name)
    except (docker.errors.APIError, requests.RequestException):
        return False
    return True


def recipe_digest(base: BaseImage, ca_bundle: Path = HOST_CA_BUNDLE) -> str:
    """A hash of the recipe's files and the host CA bundle: a change means a rebuild."""
    digest = hashlib.sha256()
    for file in sorted(p for p in base.recipe_dir.rglob("*") if p.is_file()):
        digest.update(file.relative_to(base.recipe_dir).as_posix().encode())
        digest.update(file.read_bytes())
    if ca_bundle.exists():
        digest.update(ca_bundle.read_bytes())
    return digest.hexdigest()[:16]


def substitute_is_current(client: docker.DockerClient, base: BaseImage) -> bool:
    """True when the substitute exists and was built from the current recipe."""
    try:
        image = client.images.get(base.substitute)
    except docker.errors.ImageNotFound:
        return False
    return (image.labels or {}).get(RECIPE_LABEL) == recipe_digest(base)


def debian_packages(base: BaseImage) -> list[str]:
    """The Debian packages of a substitute's root filesystem."""
    lines = (base.recipe_dir / "packages.txt").read_text().splitlines()
    return [word for line in lines for word in line.split("#", 1)[0].split()]


def mmdebstrap_command(packages: list[str], target: Path) -> list[str]:
    """The mmdebstrap call that writes a minimal Debian root filesystem tarball."""
    command = [
        "mmdebstrap",
        "--variant=minbase",
        "--quiet",
        f"--include={','.join(packages)}",
        "--dpkgopt=path-exclude=/usr/share/doc/*",
        "--dpkgopt=path-exclude=/usr/share/man/*",
        "--dpkgopt=path-exclude=/usr/share/locale/*",
        "--dpkgopt=path-exclude=/usr/share/info/*",
        DEBIAN_SUITE,
        str(target),
        DEBIAN_MIRROR,
    ]
    return command


ROOTFS_CACHE = STATE_DIR / "rootfs"


def rootfs_tarball(base: BaseImage, say: Callable[[str], None] = print) -> Path:
    """The substitute's Debian root filesystem as a tarball, made once per package list.

    It is kept in .workbook/rootfs/, so that the same substitute for the other image
    store (or after a recipe edit that leaves the packages alone) needs no new mmdebstrap.
    """
    packages = debian_packages(base)
    key = hashlib.sha256(" ".join([DEBIAN_SUITE, *packages]).encode()).hexdigest()[:12]
    tarball = ROOTFS_CACHE / f"{base.role}-{DEBIAN_SUITE}-{key}.tar"
    if tarball.exists():
        return tarball
    if shutil.which("mmdebstrap") is None:
        raise ImageUnavailable(
            f"{base.official} cannot be pulled and mmdebstrap, which builds its substitute, is missing. "
            "Install it (`sudo apt-get install mmdebstrap`) and run `make setup` again, "
            f"or load the official image (`docker load -i …`)."
        )
    ROOTFS_CACHE.mkdir(parents=True, exist_ok=True)
    partial = tarball.with_suffix(".partial.tar")
    say(f"  {base.role}: making a Debian root filesystem with mmdebstrap (about 40 s)…")
    done = subprocess.run(
        mmdebstrap_command(packages, partial), capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise ImageUnavailable(f"mmdebstrap could not build the {base.role} substitute: {done.stderr.strip()[-400:]}")
    os.replace(partial, tarball)
    return tarball


def build_substitute(client: docker.DockerClient, base: BaseImage, say: Callable[[str], None] = print) -> None:
    """Build ``base.substitute`` from Debian packages: mmdebstrap, docker import, docker build."""
    digest = recipe_digest(base)
    rootfs_tag = f"workbook-substitute/rootfs-{base.role}:{DEBIAN_SUITE}"
    with tempfile.TemporaryDirectory(prefix=f"workbook-{base.role}-") as tmp:
        tarball = rootfs_tarball(base, say)
        say(f"  {base.role}: docker import, then docker build {base.substitute}")
        with tarball.open("rb") as data:
            client.api.import_image_from_data(data.read(), repository=rootfs_tag.split(":")[0], tag=DEBIAN_SUITE)
        context = Path(tmp) / "context"
        shutil.copytree(base.recipe_dir, context)
        ca_copy = context / "host-ca.crt"
        if HOST_CA_BUNDLE.exists():
            shutil.copy(HOST_CA_BUNDLE, ca_copy)
        else:
            ca_copy.write_text("")
        build_image(
            client,
            context,
            base.substitute,
            buildargs={"ROOTFS": rootfs_tag},
            labels={SUBSTITUTE_LABEL: base.role, RECIPE_LABEL: digest},
            progress=None,
        )
    client.images.remove(rootfs_tag, noprune=True)


def resolve(
    client: docker.DockerClient,
    base: BaseImage,
    offline: bool = False,
    say: Callable[[str], None] = print,
    before_build: Callable[[], None] | None = None,
) -> Resolution:
    """Pick the official image when present or pullable, else the (re)built substitute.

    ``before_build`` runs just before a substitute is built (setup installs mmdebstrap there).
    """
    if is_present(client, base.official):
        return Resolution(base.role, base.official, "official, present")
    if not offline and try_pull(client, base.official):
        return Resolution(base.role, base.official, "official, pulled")
    if substitute_is_current(client, base):
        return Resolution(base.role, base.substitute, "substitute, cached")
    if before_build is not None:
        before_build()
    build_substitute(client, base, say=say)
    return Resolution(base.role, base.substitute, "substitute, built")
