"""The Docker SDK's exceptions, explained in one line a learner understands.

The SDK raises ``docker.errors.NotFound``, ``ImageNotFound`` and ``APIError`` with the
engine's message buried in an HTTP error (``404 Client Error for url: http+docker://…``).
``explain(error)`` says what happened and what to do; ``friendly()`` turns any SDK error
inside a ``with`` block into a one-line ``DockerProblem`` (shown without a traceback).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import docker.errors
import requests

from workbook.errors import WorkbookError


class DockerProblem(WorkbookError):
    """An SDK error, explained (see ``explain``)."""


TOO_NEW = re.compile(r"client version (\S+) is too new\. Maximum supported API version is (\d+(?:\.\d+)*)")
TOO_OLD = re.compile(r"client version (\S+) is too old\. Minimum supported API version is (\d+(?:\.\d+)*)")
LISTERS = {
    "container": "docker ps -a",
    "network": "docker network ls",
    "volume": "docker volume ls",
    "image": "docker images",
}
NOT_IN_PATH = re.compile(r'exec: "([^"]+)": executable file not found in \$PATH')


def engine_message(error: docker.errors.APIError) -> str:
    """The engine's own words (``{"message": …}``), without the HTTP wrapping."""
    text = error.explanation if isinstance(error.explanation, str) else ""
    if not text and error.response is not None:
        text = error.response.text
    return (text or str(error)).strip()


def explain(error: BaseException) -> str:
    """One sentence: what went wrong, in the learner's terms, and the fix."""
    if isinstance(error, docker.errors.ImageNotFound):
        return (
            f"Image not found: the engine has no such image ({engine_message(error)}). "
            "Check the name and tag with `docker images`, or build/pull it first."
        )
    if isinstance(error, docker.errors.NotFound):
        message = engine_message(error).rstrip(".")
        lister = next((command for word, command in LISTERS.items() if word in message.lower()), "docker ps -a")
        return (
            f"Not found (HTTP 404): {message}. It was never created or is already removed; "
            f"`{lister}` lists what exists."
        )
    if isinstance(error, docker.errors.APIError):
        message = engine_message(error)
        status = error.status_code
        if match := TOO_NEW.search(message):
            return (
                f"API version mismatch: the client asked for API {match.group(1)} but this engine speaks at most "
                f"{match.group(2)}. Let the client negotiate (version='auto', the default) or upgrade the engine."
            )
        if match := TOO_OLD.search(message):
            return (
                f"API version mismatch: API {match.group(1)} is older than this engine accepts "
                f"(minimum {match.group(2)}). Use version='auto' or a newer client."
            )
        if status == 409:
            detail = message.removeprefix("Conflict.").strip().rstrip(".")
            return f"Conflict (HTTP 409): {detail} (`docker rm -f NAME`), or choose another name."
        if match := NOT_IN_PATH.search(message):
            return (
                f"The container could not start: there is no program `{match.group(1)}` in the image. "
                "Check the command (and the image's PATH)."
            )
        if status is not None and status >= 500:
            return f"The engine failed (HTTP {status}): {message}"
        return f"The engine refused the request (HTTP {status}): {message}"
    if isinstance(error, docker.errors.DockerException | requests.exceptions.ConnectionError):
        return (
            f"No answer from the Docker engine ({type(error).__name__}). Is it running, and does "
            "DOCKER_HOST (or the current docker context) point at it?"
        )
    return f"{type(error).__name__}: {error}"


@contextmanager
def friendly() -> Iterator[None]:
    """Re-raise any Docker SDK error inside the block as a one-line DockerProblem."""
    try:
        yield
    except (docker.errors.DockerException, requests.exceptions.ConnectionError) as error:
        raise DockerProblem(explain(error)) from None
