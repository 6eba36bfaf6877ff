"""Expected failures of the workbook: one short message that names the problem and the fix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class HttpAnswer(Protocol):
    """What ``raise_for_status`` reads of an HTTP response (a ``requests.Response`` has it)."""

    status_code: int
    text: str

    def json(self) -> Any:  # noqa: ANN401 - whatever the server sent
        """The body, parsed as JSON."""


class WorkbookError(Exception):
    """An expected failure; its message says what went wrong and what to do.

    In a notebook it is shown as a single line, without a traceback (see
    ``workbook.install_notebook_errors``).
    """


class EngineUnavailable(WorkbookError):
    """No Docker engine answers where the client looks for one."""


class CommandFailed(WorkbookError):
    """A shell command the workbook ran exited with a non-zero status."""


class ServiceNotReady(WorkbookError):
    """An HTTP endpoint did not answer in time."""


class ImageUnavailable(WorkbookError):
    """A base image can neither be found, pulled nor built as a substitute."""


class CheckFailed(WorkbookError):
    """An exercise check found the learner's result wrong; the message says why."""


class RegistryError(WorkbookError):
    """A registry operation failed; the message says what the registry answered."""


class PushFailed(RegistryError):
    """``docker push`` (through the SDK) reported an error in its stream."""


# --- turning the engine's and a server's error answers into these exceptions -----------------


def stream_error(chunk: Mapping[str, Any]) -> str | None:
    """The error one chunk of a build, push or pull stream reports, or None.

    The engine streams progress as JSON objects and reports a failure inside the stream
    (``{"errorDetail": {"message": …}, "error": …}``) after answering HTTP 200, so the
    SDK's streaming calls never raise: every chunk must be checked. This is the one
    place that reads that shape.
    """
    if "error" not in chunk and "errorDetail" not in chunk:
        return None
    detail = (chunk.get("errorDetail") or {}).get("message") or chunk.get("error") or "unknown error"
    return str(detail).strip()


def http_error(response: HttpAnswer) -> str:
    """A failed HTTP answer in a few words: ``HTTP 404 MANIFEST_UNKNOWN: manifest unknown`` or its text.

    Understands the registry's ``{"errors": [{"code", "message"}]}`` and the engine's ``{"message"}``.
    """
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("errors"):
        first = body["errors"][0]
        detail = f"{first.get('code', '')}: {first.get('message', '')}" if isinstance(first, dict) else str(first)
    elif isinstance(body, dict) and "message" in body:
        detail = str(body["message"])
    else:
        detail = response.text.strip()[:200]
    return f"HTTP {response.status_code} {detail}".rstrip()


def raise_for_status(
    response: HttpAnswer, what: str, error: type[Exception] = WorkbookError, ok: tuple[int, ...] = (200,)
) -> HttpAnswer:
    """Return ``response`` when its status is in ``ok``; else raise ``error("<what>: HTTP …")``."""
    if response.status_code not in ok:
        raise error(f"{what}: {http_error(response)}")
    return response


DISK_FULL_HINT = (
    "The engine's disk is full (no space left on device): see what takes the space with `docker system df`, "
    "remove what you do not need (`docker image prune`, `docker builder prune`, old containers and volumes), "
    "then build again."
)


def disk_full_hint(output: str) -> str | None:
    """``DISK_FULL_HINT`` when a build's or a command's output says the disk is full; else None."""
    return DISK_FULL_HINT if "no space left on device" in output.lower() else None
