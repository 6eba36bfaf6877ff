"""A running registry and its HTTP API (``/v2/…``): catalog, tags, manifests, blobs, deletes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import docker
import requests

from workbook.errors import RegistryError, http_error, raise_for_status
from workbook.registry.config import CONFIG_DIR_IN_CONTAINER, DATA_DIR

MANIFEST_TYPES = (
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
)
"""The manifest media types a current client accepts; without them distribution 2.8
converts the manifest to the old schema 1 and the digest you read changes."""

MANIFEST_ACCEPT = ", ".join(MANIFEST_TYPES)

EMPTY_LAYER = "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"
"""The gzipped empty tar that schema 1 manifests list for history entries without a layer;
distribution stores it when it converts a manifest to schema 1."""

ATTESTATION = "attestation-manifest"
"""``vnd.docker.reference.type`` of the manifests BuildKit adds to an index (provenance)."""


@dataclass(frozen=True)
class Manifest:
    """What the registry answered for a manifest request."""

    digest: str
    media_type: str
    body: dict
    size: int


@dataclass
class Registry:
    """A running registry container and how to reach its HTTP API from this host."""

    client: docker.DockerClient
    container: docker.models.containers.Container
    host: str
    scheme: str = "http"
    auth: tuple[str, str] | None = None
    ca_cert: Path | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (or https)."""
        return f"{self.scheme}://{self.host}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:  # noqa: ANN003 - requests' kwargs
        """One HTTP request to the registry API, with its credentials and CA when set."""
        kwargs.setdefault("auth", self.auth)
        kwargs.setdefault("timeout", 10)
        if self.scheme == "https":
            kwargs.setdefault("verify", str(self.ca_cert) if self.ca_cert else True)
        return requests.request(method, f"{self.url}{path}", **kwargs)

    def catalog(self) -> list[str]:
        """``GET /v2/_catalog``: the repositories."""
        return self._json("GET", "/v2/_catalog")["repositories"]

    def tags(self, repository: str) -> list[str]:
        """``GET /v2/<repository>/tags/list``: its tags, sorted ([] when none are left)."""
        return sorted(self._json("GET", f"/v2/{repository}/tags/list").get("tags") or [])

    def manifest(self, repository: str, reference: str, accept: str | None = MANIFEST_ACCEPT) -> Manifest:
        """``GET /v2/<repository>/manifests/<tag or digest>`` with the Accept header (None: none)."""
        headers = {"Accept": accept} if accept else {}
        response = self.request("GET", f"/v2/{repository}/manifests/{reference}", headers=headers)
        raise_for_status(response, f"{repository}:{reference}", RegistryError)
        return Manifest(
            digest=response.headers.get("Docker-Content-Digest", ""),
            media_type=response.headers.get("Content-Type", ""),
            body=response.json(),
            size=len(response.content),
        )

    def image_manifest(self, repository: str, reference: str) -> Manifest:
        """The image manifest behind a tag or digest, following an index to its image entry.

        The containerd image store pushes what BuildKit made: an index holding the image
        manifest and an attestation manifest. The classic store pushes the image manifest itself.
        """
        top = self.manifest(repository, reference)
        for entry in top.body.get("manifests", []):
            if (entry.get("annotations") or {}).get("vnd.docker.reference.type") != ATTESTATION:
                return self.manifest(repository, entry["digest"])
        return top

    def references(self, repository: str, reference: str) -> set[str]:
        """Every blob a manifest or index reaches: itself, child manifests, configs, layers."""
        top = self.manifest(repository, reference)
        found = {top.digest}
        for entry in top.body.get("manifests", []):
            found |= self.references(repository, entry["digest"])
        if "config" in top.body:
            found.add(top.body["config"]["digest"])
        found |= {layer["digest"] for layer in top.body.get("layers", [])}
        return found

    def all_layers(self, repository: str, reference: str) -> list[str]:
        """The layer digests of a manifest, or of every manifest an index lists (attestations too)."""
        top = self.manifest(repository, reference)
        layers = [layer["digest"] for layer in top.body.get("layers", [])]
        for entry in top.body.get("manifests", []):
            layers += self.all_layers(repository, entry["digest"])
        return layers

    def child_manifests(self, repository: str, reference: str) -> list[str]:
        """The digests of the manifests an index lists ([] for a plain image manifest)."""
        return [entry["digest"] for entry in self.manifest(repository, reference).body.get("manifests", [])]

    def delete_with_children(self, repository: str, digest: str) -> list[int]:
        """DELETE a manifest by digest and, for an index, each manifest it lists; the status codes.

        An index's entries are manifests of the repository in their own right: deleting the
        index alone leaves them (and every blob they use) in place for the garbage collector.
        """
        children = self.child_manifests(repository, digest)
        return [self.delete_manifest(repository, ref).status_code for ref in [digest, *children]]

    def has_manifest(self, repository: str, reference: str) -> bool:
        """``HEAD`` the manifest: True on 200, False on 404."""
        response = self.request("HEAD", f"/v2/{repository}/manifests/{reference}", headers={"Accept": MANIFEST_ACCEPT})
        raise_for_status(response, f"HEAD {repository}:{reference}", RegistryError, ok=(200, 404))
        return response.status_code == 200

    def delete_manifest(self, repository: str, reference: str) -> requests.Response:
        """``DELETE /v2/<repository>/manifests/<reference>`` (distribution 2.8 wants a digest)."""
        return self.request("DELETE", f"/v2/{repository}/manifests/{reference}")

    def blobs(self) -> list[str]:
        """The blob digests stored on the registry's volume (layers, configs, manifests)."""
        code, output = self.container.exec_run(
            ["find", f"{DATA_DIR}/docker/registry/v2/blobs", "-name", "data", "-type", "f"]
        )
        if code != 0:
            return []  # no blob folder yet: nothing was pushed
        return sorted("sha256:" + Path(line).parent.name for line in output.decode().split())

    def garbage_collect(
        self, config: str = f"{CONFIG_DIR_IN_CONTAINER}/config.yml", dry_run: bool = False
    ) -> list[str]:
        """Run ``registry garbage-collect`` in the container; return the blobs it deleted.

        With ``dry_run`` nothing is deleted and the blobs that would be are returned.
        """
        command = ["registry", "garbage-collect", *(["--dry-run"] if dry_run else []), config]
        code, output = self.container.exec_run(command)
        text = output.decode(errors="replace")
        if code != 0 and "Path not found: /docker/registry/v2/repositories" in text:
            return []  # nothing was ever pushed: nothing to collect
        if code != 0:
            raise RegistryError(f"garbage-collect exited with {code}: {text.strip()[-300:]}")
        return re.findall(r"blob eligible for deletion: (sha256:[0-9a-f]{64})", text)

    def _json(self, method: str, path: str) -> dict:
        return raise_for_status(self.request(method, path), f"{method} {path}", RegistryError).json()


def describe_manifest_answer(response: requests.Response) -> str:
    """One line for a manifest answer: status and Content-Type (schemaVersion), or the error code and message."""
    if response.status_code == 200:
        body = response.json()
        return f"200 {response.headers.get('Content-Type', '')} (schemaVersion {body.get('schemaVersion')})"
    return http_error(response).removeprefix("HTTP ")
