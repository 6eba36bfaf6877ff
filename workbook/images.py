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
from dataclasses import dataclass
from pathlib import Path

import docker.errors
import requests

import docker
from workbook import ROOT
from workbook.build import build_image
from workbook.errors import ImageUnavailable

ENV_FILE = ROOT / "compose" / ".env"
SUBSTITUTES = ROOT / "docker" / "substitutes"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
SUBSTITUTE_LABEL = "org.workbook.substitute"
RECIPE_LABEL = "org.workbook.recipe"
DEBIAN_SUITE = "trixie"
DEBIAN_MIRROR = "deb http://deb.debian.org/debian trixie main"


@dataclass(frozen=True)
class BaseImage:
    """One image the workbook needs, by role."""

    role: str
    env_var: str
    official: str
    substitute: str
    note: str

    @property
    def recipe_dir(self) -> Path:
        """Folder of the substitute's recipe (packages.txt, Dockerfile, extra files)."""
        return SUBSTITUTES / self.role


BASE_IMAGES: tuple[BaseImage, ...] = (
    BaseImage(
        "python",
        "PYTHON_IMAGE",
        "python:3.13-slim",
        "workbook-substitute/python:3.13-slim",
        "Debian 13's Python 3.13 (as in python:3.13-slim) with pip allowed, `python` on PATH, host CA trusted",
    ),
    BaseImage(
        "redis",
        "REDIS_IMAGE",
        "redis:8",
        "workbook-substitute/redis:8",
        "Debian 13's redis-server 8.0, protected mode off as in the official image",
    ),
    BaseImage(
        "registry",
        "REGISTRY_IMAGE",
        "registry:3",
        "workbook-substitute/registry:3",
        "Debian 13's docker-registry: distribution 2.8, not 3; registry:3's config path and entrypoint",
    ),
)


def by_role(role: str) -> BaseImage:
    """The BaseImage for ``role`` ('python', 'redis' or 'registry')."""
    for image in BASE_IMAGES:
        if image.role == role:
            return image
    raise KeyError(role)


@dataclass(frozen=True)
class Resolution:
    """Which image a role resolved to, and how."""

    role: str
    image: str
    how: str  # "official, present" | "official, pulled" | "substitute, built" | "substitute, cached"


def read_env_file(path: Path | None = None) -> dict[str, str]:
    """Parse KEY=VALUE lines of a Compose .env file (comments and blanks skipped)."""
    path = path or ENV_FILE
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip().strip("'\"")
    return values


def write_env_file(resolutions: list[Resolution], path: Path | None = None) -> None:
    """Record the resolved images for Compose (``${PYTHON_IMAGE}``) and the notebooks."""
    path = path or ENV_FILE
    lines = [
        "# Written by `make setup` (workbook/images.py); machine-specific, not committed.",
        "# The base images this machine resolved: official where present or pullable, else substitutes.",
    ]
    for resolution in resolutions:
        lines.append(f"{by_role(resolution.role).env_var}={resolution.image}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def resolved(role: str) -> str:
    """The image name ``make setup`` resolved for ``role``; a clear error if setup has not run."""
    base = by_role(role)
    value = os.environ.get(base.env_var) or read_env_file().get(base.env_var)
    if not value:
        raise ImageUnavailable(
            f"No image is recorded for {role} in {ENV_FILE.relative_to(ROOT)}. Run `make setup` first."
        )
    return value


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


ROOTFS_CACHE = ROOT / ".workbook" / "rootfs"


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
