"""Production hardening, measured on the engine: image sizes, leaked secrets, a container's security settings.

Notebook 09 asks the engine rather than trusting the Dockerfile: how much an image's own
layers add to its base (from ``docker history``, unpacked, the same on both image stores),
whether a value appears in an image's history, config or files, and which security
settings ``docker inspect`` reports for a running container.
"""

from __future__ import annotations

import json
import re
import tarfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from workbook.buildkit import error_report, named_images, parse_steps
from workbook.cli import Result, run, shown_command
from workbook.errors import CommandFailed, WorkbookError

MB = 1_000_000

PRINT_CONFIG_LINE = re.compile(r"^(\w+)\s+= (.*)$")
ACCESS_LOG_REQUEST = re.compile(r'"([A-Z]+ \S+ HTTP/[\d.]+)" (\d{3}) (\d+|-)')


def _squeezed(text: str) -> str:
    return re.sub(r"[\\\s]+", "", text)


def dockerfile_instructions(dockerfile: str) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments and blank lines left out."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def steps_in_dockerfile_order(log: str, dockerfile: str) -> list[str]:
    """The steps of a BuildKit log, each once, in the order of the Dockerfile's instructions; ``FROM`` first.

    BuildKit numbers a step it has built before (for another Dockerfile or stage) as it did
    then, so its ``[stage n/m]`` prefix says nothing stable about the order; the Dockerfile
    does. A step matches its instruction with the build arguments (``${UID}``) substituted.
    """
    patterns = [
        re.compile(re.sub(r"\\\$\\\{\w+\\\}", ".*?", re.escape(_squeezed(line))))
        for line in dockerfile_instructions(dockerfile)
    ]
    instructions = list(dict.fromkeys(step.instruction for step in parse_steps(log)))

    def position(instruction: str) -> int:
        if instruction.startswith("FROM "):
            return -1
        squeezed = _squeezed(instruction)
        return next((i for i, p in enumerate(patterns) if p.fullmatch(squeezed)), len(patterns))

    return sorted(instructions, key=position)


def build(command: str, dockerfile: str | Path, cwd: str | Path | None = None) -> Result:
    """Run a ``docker build --progress=plain …``; print ``$ command``, its steps in Dockerfile order, the image's name.

    The full log (in the Result's ``output``) holds timings and pip's download lines. A
    failed build prints BuildKit's error report and raises CommandFailed.
    """
    result = run(command, cwd=cwd, check=False, show=False)
    print(f"$ {shown_command(command)}")
    if not result.ok:
        print(error_report(result.output))
        raise CommandFailed(f"`{command}` exited with status {result.returncode}; the builder's error is above.")
    steps = steps_in_dockerfile_order(result.output, Path(dockerfile).read_text())
    print("\n".join(steps + [f"naming to {name}" for name in named_images(result.output)]))
    return result


def own_layers_bytes(client: docker.DockerClient, image: str, base: str) -> int:
    """Bytes that ``image``'s own layers hold, unpacked, on top of ``base``.

    Summed from ``docker history`` above the base's own entries: unpacked sizes on both
    image stores (``attrs["Size"]`` is the compressed content on the containerd store).
    """
    ours, theirs = client.images.get(image).history(), client.images.get(base).history()
    return sum(entry["Size"] for entry in ours[: len(ours) - len(theirs)])


def unpacked_bytes(client: docker.DockerClient, image: str) -> int:
    """The whole image's unpacked size: every ``docker history`` entry, base included."""
    return sum(entry["Size"] for entry in client.images.get(image).history())


def gunicorn_settings(print_config: str, names: Iterable[str]) -> dict[str, str]:
    """The settings ``names`` from ``gunicorn --print-config`` output (``name   = value`` lines)."""
    wanted = set(names)
    found: dict[str, str] = {}
    for line in print_config.splitlines():
        match = PRINT_CONFIG_LINE.match(line.strip())
        if match and match.group(1) in wanted:
            found[match.group(1)] = match.group(2)
    return found


def access_requests(log: str) -> list[str]:
    """The requests of gunicorn's access log lines, without client address and time: ``"GET / HTTP/1.1" 200 12``."""
    return [f'"{m.group(1)}" {m.group(2)} {m.group(3)}' for m in map(ACCESS_LOG_REQUEST.search, log.splitlines()) if m]


def history_mentions(client: docker.DockerClient, image: str, needle: str) -> list[str]:
    """The ``docker history`` entries (untruncated ``CreatedBy``) that contain ``needle``."""
    return [entry["CreatedBy"] for entry in client.images.get(image).history() if needle in entry["CreatedBy"]]


def inspect_mentions(attrs: dict, needle: str) -> list[str]:
    """The top-level ``docker inspect`` sections (Config, HostConfig, Mounts…) whose JSON contains ``needle``."""
    return [key for key, value in attrs.items() if needle in json.dumps(value)]


class _StreamReader:
    """A file-like object over the chunks of ``container.export()``, for ``tarfile``'s stream mode."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def files_containing(client: docker.DockerClient, image: str, needle: str, labels: dict[str, str]) -> list[str]:
    """Paths of the files in ``image``'s filesystem whose name or content contains ``needle``.

    Exports a container created (not started) from the image, as ``docker export`` does,
    and reads every file of the tar stream; the container is removed again.
    """
    wanted = needle.encode()
    container = client.containers.create(image, command=["true"], labels=labels)
    found: list[str] = []
    try:
        with tarfile.open(fileobj=_StreamReader(iter(container.export())), mode="r|") as archive:
            for member in archive:
                if needle in member.name or needle in member.linkname:
                    found.append(member.name)
                elif member.isfile():
                    handle = archive.extractfile(member)
                    if handle is not None and wanted in handle.read():
                        found.append(member.name)
    finally:
        try:
            container.remove(force=True)
        except docker.errors.NotFound:
            pass
    return found


@dataclass(frozen=True)
class Hardening:
    """The security settings of a container, as ``docker inspect`` reports them."""

    user: str
    read_only: bool
    tmpfs: dict[str, str]
    cap_drop: list[str]
    security_opt: list[str]
    memory: int
    pids_limit: int

    @property
    def non_root(self) -> bool:
        """True when the container's user is set and is not root (name or UID 0)."""
        name = self.user.split(":", 1)[0]
        return bool(name) and name not in ("root", "0")

    @property
    def no_new_privileges(self) -> bool:
        """True when ``--security-opt no-new-privileges`` (or ``…:true``) is set."""
        return any(
            opt in ("no-new-privileges", "no-new-privileges:true", "no-new-privileges=true")
            for opt in self.security_opt
        )

    def lines(self) -> list[str]:
        """One ``setting: value (inspect field)`` line per setting."""
        return [
            f"user:              {self.user or '(root)'}   (Config.User)",
            f"read-only rootfs:  {self.read_only}   (HostConfig.ReadonlyRootfs)",
            f"tmpfs:             {', '.join(self.tmpfs) or 'none'}   (HostConfig.Tmpfs)",
            f"capabilities drop: {', '.join(self.cap_drop) or 'none'}   (HostConfig.CapDrop)",
            f"security options:  {', '.join(self.security_opt) or 'none'}   (HostConfig.SecurityOpt)",
            f"memory limit:      {self.memory // 2**20} MiB   (HostConfig.Memory)",
            f"pids limit:        {self.pids_limit}   (HostConfig.PidsLimit)",
        ]


def hardening(attrs: dict) -> Hardening:
    """The security settings in a container's ``docker inspect`` data (``container.attrs``)."""
    host = attrs.get("HostConfig") or {}
    return Hardening(
        user=(attrs.get("Config") or {}).get("User") or "",
        read_only=bool(host.get("ReadonlyRootfs")),
        tmpfs=dict(host.get("Tmpfs") or {}),
        cap_drop=list(host.get("CapDrop") or []),
        security_opt=list(host.get("SecurityOpt") or []),
        memory=int(host.get("Memory") or 0),
        pids_limit=int(host.get("PidsLimit") or 0),
    )


def host_port(client: docker.DockerClient, name: str, container_port: str = "5000/tcp", timeout: float = 10.0) -> int:
    """The host port the engine published ``container_port`` of container ``name`` on (asked, not assumed)."""
    deadline = time.monotonic() + timeout
    while True:
        container = client.containers.get(name)
        bindings = (container.attrs["NetworkSettings"].get("Ports") or {}).get(container_port) or []
        if bindings:
            return int(bindings[0]["HostPort"])
        if time.monotonic() >= deadline:
            raise WorkbookError(f"Container {name!r} publishes no port for {container_port}: see `docker port {name}`.")
        time.sleep(0.1)
