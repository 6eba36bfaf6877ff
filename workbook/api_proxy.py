"""A recording proxy: a Unix socket that forwards to the engine and notes each request.

Point any client at it (``DOCKER_HOST=unix://<proxy.socket_path>`` for the CLI,
``docker.DockerClient(base_url=…)`` for the SDK, ``EngineAPI(socket_path=…)``) and
``proxy.calls`` lists the ``METHOD /path`` of every request the client sent — the
proof that the CLI, the SDK and raw HTTP all speak the same Engine API.

Bytes are forwarded unchanged in both directions; the proxy only reads the request
line and headers of each request on the client side (keep-alive connections carry
several). After a connection upgrade (``docker attach``) or a chunked request body
it stops parsing that connection and only forwards.
"""

from __future__ import annotations

import re
import socket
import tempfile
import threading
from collections import Counter
from pathlib import Path

from workbook.engine import engine_address, unix_socket_path
from workbook.errors import WorkbookError

REQUEST_LINE = re.compile(rb"^([A-Z]+) (\S+) HTTP/1\.[01]$")
VERSION_PREFIX = re.compile(r"^/v\d+\.\d+(?=/)")
HEX_ID = re.compile(r"(?<=/)[0-9a-f]{64}(?=/|$)")


class ProxyError(WorkbookError):
    """The recording proxy could not start."""


def normalise(call: str, names: tuple[str, ...] = ()) -> str:
    """``POST /v<version>/containers/3f…/start?x=1`` -> ``POST /containers/{id}/start``.

    Drops the API version prefix and the query, and writes container IDs and the
    given container ``names`` as ``{id}``, so that calls of different clients compare.
    """
    method, _, path = call.partition(" ")
    path = VERSION_PREFIX.sub("", path.split("?", 1)[0])
    path = HEX_ID.sub("{id}", path)
    for name in names:
        path = re.sub(rf"(?<=/){re.escape(name)}(?=/|$)", "{id}", path)
    return f"{method} {path}"


class _RequestReader:
    """Feeds on the client-to-engine byte stream and yields ``METHOD /path`` per request."""

    def __init__(self) -> None:
        self.buffer = b""
        self.body_left = 0
        self.passthrough = False

    def feed(self, data: bytes) -> list[str]:
        found: list[str] = []
        if self.passthrough:
            return found
        self.buffer += data
        while True:
            if self.body_left:
                skip = min(self.body_left, len(self.buffer))
                self.buffer = self.buffer[skip:]
                self.body_left -= skip
                if self.body_left:
                    return found
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return found
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            lines = head.split(b"\r\n")
            match = REQUEST_LINE.match(lines[0])
            if not match:  # not HTTP after all: stop looking, keep forwarding
                self.passthrough = True
                return found
            found.append(f"{match.group(1).decode()} {match.group(2).decode()}")
            headers = {}
            for line in lines[1:]:
                key, _, value = line.partition(b":")
                headers[key.strip().lower()] = value.strip().lower()
            if b"upgrade" in headers.get(b"connection", b"") or b"chunked" in headers.get(b"transfer-encoding", b""):
                self.passthrough = True
                return found
            self.body_left = int(headers.get(b"content-length", b"0") or 0)


def _pump(source: socket.socket, target: socket.socket, reader: _RequestReader | None, record) -> None:  # noqa: ANN001
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if reader is not None:
                for call in reader.feed(data):
                    record(call)
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock, how in ((target, socket.SHUT_WR), (source, socket.SHUT_RD)):
            try:
                sock.shutdown(how)
            except OSError:
                pass


class RecordingProxy:
    """A Unix-socket proxy in front of the engine that records every request's method and path.

    Use it as a context manager, or call ``start()`` and ``stop()``. The socket lives
    in a fresh temporary folder; ``stop()`` removes it.
    """

    def __init__(self, upstream: str | None = None) -> None:
        """``upstream`` is the engine's Unix socket; by default the one the CLI and the SDK use."""
        if upstream is None:
            address = engine_address()
            upstream = unix_socket_path(address)
            if upstream is None:
                raise ProxyError(f"The engine is at {address}, not on a Unix socket: this proxy forwards only to one.")
        self.upstream = upstream
        self.folder: Path | None = None
        self.calls: list[str] = []
        self.history: list[str] = []
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._open: set[socket.socket] = set()

    @property
    def socket_path(self) -> str:
        """The proxy's socket file."""
        if self.folder is None:
            raise ProxyError("The proxy is not running: call start() first.")
        return str(self.folder / "docker.sock")

    @property
    def docker_host(self) -> str:
        """The DOCKER_HOST value that sends a client through the proxy."""
        return f"unix://{self.socket_path}"

    def start(self) -> RecordingProxy:
        """Listen on a new socket in a temporary folder and serve in a background thread."""
        if not Path(self.upstream).exists():
            raise ProxyError(f"No engine socket at {self.upstream}: start the Docker engine first.")
        self.folder = Path(tempfile.mkdtemp(prefix="workbook-proxy-"))
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(self.socket_path)
        server.listen(16)
        self._server = server
        self._thread = threading.Thread(target=self._serve, name="workbook-api-proxy", daemon=True)
        self._thread.start()
        return self

    def _record(self, call: str) -> None:
        with self._lock:
            self.calls.append(call)
            self.history.append(call)

    def _serve(self) -> None:
        assert self._server is not None
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return  # the server socket was closed by stop()
            engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                engine.connect(self.upstream)
            except OSError:
                client.close()
                engine.close()
                continue
            with self._lock:
                self._open.update((client, engine))
            threading.Thread(target=_pump, args=(client, engine, _RequestReader(), self._record), daemon=True).start()
            threading.Thread(target=_pump, args=(engine, client, None, None), daemon=True).start()

    def take(self) -> list[str]:
        """The calls recorded since the last ``take()``, and forget them (``history`` keeps all)."""
        with self._lock:
            calls, self.calls = self.calls, []
        return calls

    def stop(self) -> None:
        """Stop listening, close every forwarded connection and remove the socket's folder."""
        if self._server is not None:
            try:
                self._server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._server.close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self._lock:
            for sock in self._open:
                try:
                    sock.close()
                except OSError:
                    pass
            self._open.clear()
        if self.folder is not None:
            for item in self.folder.iterdir():
                item.unlink()
            self.folder.rmdir()
            self.folder = None

    def __enter__(self) -> RecordingProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def call_table(
    calls_by_client: dict[str, list[str]], names: tuple[str, ...] = (), first: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """Rows ``(call, count for client 1, count for client 2, …)`` comparing normalised calls.

    Calls listed in ``first`` come first in that order, the others follow sorted; a
    count is "" when the client did not make the call. The first row is the header.
    """
    counts = {client: Counter(normalise(call, names) for call in calls) for client, calls in calls_by_client.items()}
    seen = set().union(*(c.keys() for c in counts.values())) if counts else set()
    order = [call for call in first if call in seen] + sorted(seen - set(first))
    rows: list[tuple[str, ...]] = [("call", *calls_by_client)]
    for call in order:
        rows.append((call, *(str(counts[client][call] or "") for client in calls_by_client)))
    return rows


def format_table(rows: list[tuple[str, ...]]) -> str:
    """Left-aligned columns, two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)
