"""Talk to the Docker Engine API over its Unix socket with Python's standard library only.

This is what every Docker client does underneath: HTTP/1.1 requests over a Unix
socket (the one ``DOCKER_HOST`` or the current docker context names, else the default
socket). The notebooks use it to show the API without the SDK or the CLI in between::

    api = EngineAPI()                      # pings, adopts the engine's Api-Version
    api.get("/_ping")                      # 'OK'
    api.get("/containers/json", all=1)     # a list of dicts, like `docker ps -a`
    api.post("/containers/create", {"Image": "…"}, name="wb05-web")

Every call is remembered in ``api.calls`` as ``"METHOD /path"``; with ``verbose`` it
is also printed with the answer's status, so a cell shows the request it made.
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from workbook.engine import engine_address, unix_socket_path, version_tuple
from workbook.errors import WorkbookError


class EngineAPIError(WorkbookError):
    """The engine answered with an HTTP error status, or could not be reached at all."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def socket_path_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The engine's Unix socket, found as the CLI and the SDK find it (``workbook.engine.engine_address``).

    A ``tcp://``, ``ssh://`` or ``npipe://`` endpoint is not a Unix socket; EngineAPIError says so.
    """
    address = engine_address(environ)
    path = unix_socket_path(address)
    if path is None:
        raise EngineAPIError(
            f"The engine is at {address}, not a unix:// socket; this stdlib client speaks only to Unix sockets. "
            "Use the SDK there, or pass socket_path= explicitly."
        )
    return path


def newer_api(version: str) -> str:
    """The API version after ``version`` ("1.51" -> "1.52"): one an engine of that maximum refuses."""
    major, minor = version_tuple(version)[:2]
    return f"{major}.{minor + 1}"


def older_api(minimum: str, wanted: str) -> str:
    """``wanted`` when an engine with API floor ``minimum`` refuses it, else the version just below the floor."""
    if version_tuple(wanted) < version_tuple(minimum):
        return wanted
    major, minor = version_tuple(minimum)[:2]
    return f"{major}.{minor - 1}"


class UnixHTTPConnection(http.client.HTTPConnection):
    """An ``http.client.HTTPConnection`` whose transport is a Unix socket instead of TCP."""

    def __init__(self, socket_path: str, timeout: float = 60.0) -> None:
        # The host name only fills the Host: header; the engine ignores it.
        super().__init__("localhost", timeout=timeout)
        self.socket_path = socket_path

    def connect(self) -> None:
        """Open the Unix socket (called by http.client before the first request)."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


@dataclass(frozen=True)
class Response:
    """One answer of the engine: status, reason, content type, raw body and headers."""

    status: int
    reason: str
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body parsed as JSON (None for an empty body)."""
        return json.loads(self.body) if self.body else None


def error_message(status: int, body: bytes) -> str:
    """The engine's own error text: it sends ``{"message": "…"}`` with every error status."""
    try:
        return json.loads(body)["message"]
    except (ValueError, KeyError, TypeError):
        return body.decode(errors="replace").strip() or http.client.responses.get(status, "error")


def demux_stream(data: bytes) -> list[tuple[str, bytes]]:
    """Split a non-TTY container's log/attach stream into ``(stream, payload)`` frames.

    Each frame has an 8-byte header: stream type (1 stdout, 2 stderr, 0 stdin), three
    zero bytes, and the payload's length as a big-endian uint32. Data that does not
    start with such a header (a TTY container's raw stream) comes back as one stdout frame.
    """
    names = {0: "stdin", 1: "stdout", 2: "stderr"}
    if not data:
        return []
    if data[0] not in names or data[1:4] != b"\x00\x00\x00" or len(data) < 8:
        return [("stdout", data)]
    frames = []
    offset = 0
    while offset + 8 <= len(data):
        kind, size = struct.unpack(">BxxxL", data[offset : offset + 8])
        frames.append((names.get(kind, str(kind)), data[offset + 8 : offset + 8 + size]))
        offset += 8 + size
    return frames


class EngineAPI:
    """A tiny Engine API client: GET/POST/DELETE with JSON, over a Unix socket.

    ``version="auto"`` (the default) negotiates as the CLI and the SDK do: one
    ``GET /_ping``, whose ``Api-Version`` header names the engine's newest API (with
    ``GET /version``'s ``ApiVersion`` as a fallback), and every later path gets that
    ``/v<version>`` prefix. A given version is used as is, and None sends unversioned
    paths, which the engine serves at its own newest API.
    """

    def __init__(
        self,
        socket_path: str | None = None,
        version: str | None = "auto",
        timeout: float = 60.0,
        verbose: bool = False,
    ) -> None:
        self.socket_path = socket_path or socket_path_from_env()
        self.version: str | None = None
        self.timeout = timeout
        self.verbose = verbose
        self.calls: list[str] = []
        self.version = self.negotiate() if version == "auto" else version

    def negotiate(self) -> str:
        """The engine's API version: the ``Api-Version`` header of ``GET /_ping``, else ``/version``'s."""
        answer = self.request("GET", "/_ping")
        version = answer.headers.get("Api-Version") or self.request("GET", "/version").json()["ApiVersion"]
        if self.verbose:
            print(f"  Api-Version: {version}, so later paths start with /v{version}")
        return version

    def url(self, path: str, query: dict[str, Any] | None = None) -> str:
        """``/v<version>/path?query`` — dict and list query values are sent as JSON (as filters must be)."""
        if not path.startswith("/"):
            path = "/" + path
        prefix = f"/v{self.version}" if self.version and path != "/_ping" else ""
        params = {
            key: json.dumps(value) if isinstance(value, dict | list) else value
            for key, value in (query or {}).items()
            if value is not None
        }
        return prefix + path + (f"?{urlencode(params)}" if params else "")

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: dict[str, Any] | None = None,
        ok: tuple[int, ...] = (200, 201, 204, 304),
    ) -> Response:
        """Send one request; raise EngineAPIError with the engine's message unless the status is in ``ok``."""
        url = self.url(path, query)
        headers = {"Host": "docker"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection = UnixHTTPConnection(self.socket_path, timeout=self.timeout)
        try:
            connection.request(method, url, body=payload, headers=headers)
            answer = connection.getresponse()
            got = dict(answer.getheaders())
            response = Response(answer.status, answer.reason, got.get("Content-Type", ""), answer.read(), got)
        except FileNotFoundError:
            raise EngineAPIError(
                f"No socket at {self.socket_path}: is the Docker engine running? Start it, or pass socket_path=."
            ) from None
        except PermissionError:
            raise EngineAPIError(
                f"Permission denied on {self.socket_path}: join the docker group or run as root."
            ) from None
        except (ConnectionError, TimeoutError, http.client.HTTPException) as error:
            raise EngineAPIError(f"{method} {url} failed on {self.socket_path}: {error!r}") from None
        finally:
            connection.close()
        self.calls.append(f"{method} {url.split('?', 1)[0]}")
        if self.verbose:
            print(f"{method} {url} -> {response.status} {response.reason}")
        if response.status not in ok:
            message = error_message(response.status, response.body)
            raise EngineAPIError(
                f"{method} {url.split('?', 1)[0]} -> {response.status}: {message}",
                status=response.status,
            )
        return response

    def _decoded(self, response: Response) -> Any:
        if "json" in response.content_type:
            return response.json()
        return response.body.decode(errors="replace")

    def get(self, path: str, **query: Any) -> Any:
        """GET ``path``; the JSON answer parsed, or the text for a non-JSON answer (``/_ping``)."""
        return self._decoded(self.request("GET", path, query=query))

    def post(self, path: str, body: Any = None, **query: Any) -> Any:
        """POST ``body`` as JSON; the parsed answer, or None for an empty one (204)."""
        response = self.request("POST", path, body=body, query=query)
        return self._decoded(response) if response.body else None

    def delete(self, path: str, **query: Any) -> None:
        """DELETE ``path`` (204 No Content on success)."""
        self.request("DELETE", path, query=query)

    def logs(self, container: str) -> str:
        """A container's stdout and stderr so far, demultiplexed, as text."""
        raw = self.request("GET", f"/containers/{container}/logs", query={"stdout": 1, "stderr": 1}).body
        return b"".join(payload for _, payload in demux_stream(raw)).decode(errors="replace")
