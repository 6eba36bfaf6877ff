"""`Notebook`: what every notebook's first cell creates — engine check, labels, cleanup."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import docker
from workbook import LABEL, ROOT
from workbook.cleanup import Removed, record_process, remove_labelled
from workbook.engine import connect, engine_address
from workbook.ports import choose_port


class Notebook:
    """One notebook's session with the engine.

    Creating it checks that the engine answers (EngineUnavailable with the fix
    otherwise) and removes whatever an earlier, interrupted run of the same notebook
    left behind. Everything the notebook makes carries ``labels``; ``cleanup()``
    removes it all again.
    """

    def __init__(self, name: str, client: docker.DockerClient | None = None, quiet: bool = False) -> None:
        self.name = name
        self.client = client or connect()
        self.labels = {LABEL: name}
        leftovers = remove_labelled(self.client, name)
        if not quiet:
            version = self.client.version()
            print(f"Docker engine {version['Version']} answers at {engine_address()} (API {version['ApiVersion']}).")
            if leftovers.total:
                print(f"Removed what an earlier run of {name} left behind: {leftovers.describe()}.")
            else:
                print(f"Nothing left over from an earlier run of {name}.")

    @property
    def label(self) -> str:
        """``key=value`` of the notebook's label, for ``docker … --label`` and ``--filter label=``."""
        return f"{LABEL}={self.name}"

    def port(self, preferred: int = 5000) -> int:
        """A free port on 127.0.0.1, ``preferred`` when possible; prints which and why."""
        return choose_port(preferred)

    def start_process(
        self,
        args: Sequence[str],
        cwd: str | Path | None = None,
        env: dict[str, str] | None = None,
        log: str | Path | None = None,
    ) -> subprocess.Popen:
        """Start a host process in its own process group; ``cleanup()`` stops it.

        Its output goes to ``log`` (a file under .workbook/ by default), so a server
        cannot block on a full pipe; read the file to show what it printed.
        """
        log_path = Path(log) if log else ROOT / ".workbook" / "logs" / f"{self.name}-{Path(args[0]).name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as out:
            process = subprocess.Popen(
                list(args),
                cwd=cwd,
                env={**os.environ, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        process.log_path = log_path  # type: ignore[attr-defined]
        record_process(self.name, process.pid)
        return process

    def cleanup(self) -> Removed:
        """Remove every process, container, network, volume and image this notebook made."""
        removed = remove_labelled(self.client, self.name)
        print(f"Cleanup of {self.name}: removed {removed.describe()}.")
        return removed
