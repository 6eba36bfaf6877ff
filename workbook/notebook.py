"""`Notebook`: what every notebook's first cell creates — engine check, labels, cleanup."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import docker

from workbook.cleanup import Removed, labelled_objects, make_temp_dir, record_process, remove_labelled
from workbook.cli import clean_output
from workbook.engine import connect, engine_address
from workbook.engine_watch import install_engine_watch
from workbook.errors import WorkbookError
from workbook.kernel import current_shell
from workbook.layout import LABEL, STATE_DIR
from workbook.owner import describe, install_cell_transformer, owned_notebook, user_port_offset, workbook_user
from workbook.ports import PORT_OFFSET_VARIABLE, choose_port, port_offset


def put_venv_on_path() -> None:
    """Let ``!hadolint`` and friends resolve to the virtualenv's tools in a notebook."""
    venv_bin = str(Path(sys.prefix) / "bin")
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if venv_bin not in parts:
        os.environ["PATH"] = os.pathsep.join([venv_bin, *parts])


def install_notebook_errors() -> bool:
    """Show a ``WorkbookError`` in IPython as one line instead of a traceback.

    Returns True when an IPython shell was found and the handler installed.
    """
    shell = current_shell()
    if shell is None:
        return False

    def one_line(shell, etype, value, tb, tb_offset=None):  # noqa: ANN001 - IPython's signature
        stb = [f"{etype.__name__}: {value}"]
        # IPython 9 calls the handler and discards what it returns: the handler must show the
        # error itself (as an `error` output, which is also what makes nbval see the cell fail).
        shell._showtraceback(etype, value, stb)
        return stb

    shell.set_custom_exc((WorkbookError,), one_line)
    return True


def exit_note(process: subprocess.Popen, lines: int = 5) -> str | None:
    """None while ``process`` runs; once it has exited, its status and the end of its log.

    Pass ``lambda: exit_note(server)`` as ``still_running`` to ``wait_for_http``.
    """
    if process.poll() is None:
        return None
    log_path = getattr(process, "log_path", None)
    tail = ""
    if log_path is not None and Path(log_path).exists():
        tail = " | ".join(Path(log_path).read_text(errors="replace").strip().splitlines()[-lines:])
    return f"exited with status {process.returncode}" + (f"; last output: {tail}" if tail else "")


def process_log(process: subprocess.Popen) -> str:
    """What a process started by ``Notebook.start_process`` has printed so far, colour codes removed."""
    return clean_output(Path(process.log_path).read_text(errors="replace"))


class Notebook:
    """One notebook's session with the engine.

    Creating it checks that the engine answers (EngineUnavailable with the fix
    otherwise) and removes whatever an earlier, interrupted run of the same notebook
    left behind. Everything the notebook makes carries ``labels``; ``cleanup()``
    removes it all again. With ``WORKBOOK_USER`` set (a shared engine), ``name`` and every
    name in the later cells get the user's prefix (``workbook.owner``).
    """

    def __init__(self, name: str, client: docker.DockerClient | None = None, quiet: bool = False) -> None:
        # What a notebook needs and importing the package must not do: the venv's tools
        # (`!hadolint`) on PATH, and WorkbookError shown as one line.
        put_venv_on_path()
        install_notebook_errors()
        user = workbook_user()
        if user:
            install_cell_transformer()
            os.environ.setdefault(PORT_OFFSET_VARIABLE, str(user_port_offset(user)))
        self.name = owned_notebook(name)
        self.client = client or connect()
        install_engine_watch(engine_address())
        self.labels = {LABEL: self.name}
        self._started = 0
        leftovers = remove_labelled(self.client, self.name)
        if not quiet:
            version = self.client.version()
            print(f"Docker engine {version['Version']} answers at {engine_address()} (API {version['ApiVersion']}).")
            if user:
                print(describe(name, port_offset()))
            if leftovers.total:
                print(f"Removed what an earlier run of {self.name} left behind: {leftovers.describe()}.")
            else:
                print(f"Nothing left over from an earlier run of {self.name}.")

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
        self._started += 1
        default_log = STATE_DIR / "logs" / f"{self.name}-{self._started}-{Path(args[0]).name}.log"
        log_path = Path(log) if log else default_log
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

    def temp_dir(self, purpose: str) -> Path:
        """A fresh folder under the system temp dir; ``cleanup()`` removes it, even after an interrupted run."""
        return make_temp_dir(self.name, purpose)

    def leftovers(self) -> list[str]:
        """Names of the labelled containers, networks, volumes and images that still exist."""
        return labelled_objects(self.client, self.name)

    def cleanup(self) -> Removed:
        """Remove every process, temporary path, container, network, volume and image this notebook made."""
        removed = remove_labelled(self.client, self.name)
        print(f"Cleanup of {self.name}: removed {removed.describe()}.")
        return removed
