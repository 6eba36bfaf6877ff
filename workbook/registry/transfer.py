"""Push and pull through the SDK with stable progress, raising on errors the SDK only streams."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import docker

from workbook.errors import PushFailed, RegistryError, stream_error


@dataclass
class PushResult:
    """What a push did: the manifest digest, and the final status of every layer."""

    repository: str
    tag: str
    digest: str = ""
    layers: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """How many layers ended in each status ('Pushed', 'Layer already exists', …), sorted."""
        result: dict[str, int] = {}
        for status in self.layers.values():
            result[status] = result.get(status, 0) + 1
        return dict(sorted(result.items()))

    def summary(self) -> str:
        """'8 layers: 8 Pushed' — stable from run to run."""
        parts = ", ".join(f"{n} {status}" for status, n in self.counts().items())
        return f"{len(self.layers)} layers: {parts}"

    def report(self) -> str:
        """The push in three stable lines: repository, what happened to the layers, the digest."""
        return (
            f"The push refers to repository [{self.repository}]\n  {self.summary()}\n{self.tag}: digest: {self.digest}"
        )


FINAL_STATUSES = ("Pushed", "Layer already exists", "Already exists")
"""How a layer's push ends; the containerd store says 'Already exists' for an attestation's layer."""
DIGEST_LINE = re.compile(r"^(\S+): digest: (sha256:[0-9a-f]{64}) size: \d+$")
"""The daemon's last line of a push; the classic store also sends the digest as ``aux``."""


def explain_push_error(message: str, repository: str) -> str:
    """The daemon's push error in one sentence, with the fix where we know it."""
    host = repository.split("/", 1)[0]
    if "no basic auth credentials" in message or "unauthorized" in message.lower():
        return (
            f"Pushing {repository} was refused: {message}. "
            f"The registry wants credentials: `docker login {host}` first (or pass auth_config)."
        )
    if "certificate" in message or "x509" in message:
        return (
            f"Pushing {repository} failed: {message}. The daemon does not trust the registry's certificate: "
            f"put its CA in /etc/docker/certs.d/{host}/ca.crt."
        )
    if "connection refused" in message:
        return f"Pushing {repository} failed: {message}. Is the registry running and published on {host}?"
    return f"Pushing {repository} failed: {message}"


def push(
    client: docker.DockerClient,
    repository: str,
    tag: str,
    auth_config: dict | None = None,
    progress: Callable[[str], None] | None = print,
) -> PushResult:
    """``docker push repository:tag`` through the SDK, progress shown, errors raised.

    ``progress`` receives ``[n/m] layers done`` as each layer finishes (stable, unlike
    the order in which layers finish) and the daemon's digest line. ``auth_config``
    ``{}`` pushes anonymously; None lets the SDK use its loaded docker config.
    The SDK does not raise on an error in the stream; this function raises PushFailed.
    """
    result = PushResult(repository, tag)
    preparing: list[str] = []
    for chunk in client.api.push(repository, tag, stream=True, decode=True, auth_config=auth_config):
        detail = stream_error(chunk)
        if detail is not None:
            raise PushFailed(explain_push_error(detail, repository))
        status = chunk.get("status", "")
        layer = chunk.get("id")
        if layer and status in ("Preparing", "Waiting") and layer not in preparing:
            preparing.append(layer)
        elif layer and (status in FINAL_STATUSES or status.startswith("Mounted from")):
            if layer not in result.layers:
                result.layers[layer] = "Mounted" if status.startswith("Mounted from") else status
                if progress is not None:
                    progress(f"  [{len(result.layers)}/{len(preparing)}] layers done")
        elif status.startswith("The push refers to repository") and progress is not None:
            progress(status)
        aux = chunk.get("aux") or {}
        if "Digest" in aux:
            result.digest = aux["Digest"]
        pushed = DIGEST_LINE.match(status)
        if pushed and not result.digest:
            result.digest = pushed.group(2)  # the containerd image store sends no aux digest here
    if not result.digest:
        raise PushFailed(f"Pushing {repository}:{tag} ended without a digest; is the tag there (`docker images`)?")
    if progress is not None:
        progress(f"{tag}: digest: {result.digest} ({result.summary()})")
    return result


def summarize_cli_push(output: str | list[str]) -> PushResult:
    """Read ``docker push``'s plain output (text or lines): each layer's last status and the digest.

    Raises PushFailed with the daemon's words when the output has no digest line.
    """
    lines = output.splitlines() if isinstance(output, str) else [str(line) for line in output]
    result = PushResult(repository="", tag="")
    for line in lines:
        if line.startswith("The push refers to repository ["):
            result.repository = line.split("[", 1)[1].rstrip("]")
        match = re.match(r"^([0-9a-f]{12}): (Pushed|Layer already exists|Already exists|Mounted from .*)$", line)
        if match:
            result.layers[match.group(1)] = "Mounted" if match.group(2).startswith("Mounted") else match.group(2)
        match = DIGEST_LINE.match(line)
        if match:
            result.tag, result.digest = match.group(1), match.group(2)
    if not result.digest:
        last = next((line.strip() for line in reversed(lines) if line.strip()), "no output")
        raise PushFailed(explain_push_error(last, result.repository or "the registry"))
    return result


def pull(
    client: docker.DockerClient,
    reference: str,
    auth_config: dict | None = None,
    progress: Callable[[str], None] | None = print,
) -> dict[str, int]:
    """``docker pull reference`` through the SDK; returns how many layers ended in each status.

    Layers already on the machine say 'Already exists'; downloaded ones 'Pull complete'.
    Raises RegistryError when the stream reports an error.
    """
    repository, sep, tag = reference.rpartition(":")
    if "@" in reference:
        repository, sep, tag = reference.partition("@")
    elif not sep or "/" in tag:
        repository, tag = reference, "latest"
    finals: dict[str, str] = {}
    for chunk in client.api.pull(repository, tag, stream=True, decode=True, auth_config=auth_config):
        detail = stream_error(chunk)
        if detail is not None:
            raise RegistryError(f"Pulling {reference} failed: {detail}")
        status, layer = chunk.get("status", ""), chunk.get("id")
        if layer and status in ("Already exists", "Pull complete"):
            finals[layer] = status
        elif status.startswith(("Digest:", "Status:")) and progress is not None:
            progress(status)
    counts: dict[str, int] = {}
    for status in finals.values():
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))
