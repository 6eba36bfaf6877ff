"""Host processes by pid, checked before they are signalled.

A pid is only a number: once its process ends the kernel hands it to the next one. So a
recorded pid is signalled only while ``/proc/<pid>`` shows the same process: the same
start time (clock ticks after boot, field 22 of ``/proc/<pid>/stat``) and, where a name
is expected, the same command name. Pid 0 and 1, this process, and an empty or
unreadable record are never signalled.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

from workbook.wait import poll_until


@dataclass(frozen=True)
class ProcessRecord:
    """A pid and the start time it had when it was recorded (``None``: unknown, never signalled)."""

    pid: int
    started: int | None

    def text(self) -> str:
        """How a pid file holds it: ``"<pid> <start time>"``."""
        return f"{self.pid} {self.started if self.started is not None else ''}".strip()

    @classmethod
    def parse(cls, text: str) -> ProcessRecord | None:
        """A record from a pid file's text; None when it is empty or not numbers."""
        parts = text.split()
        if not parts or not all(part.isdigit() for part in parts):
            return None
        return cls(int(parts[0]), int(parts[1]) if len(parts) > 1 else None)


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (state first), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()


def process_name(pid: int) -> str | None:
    """The command name of a live ``pid`` (from /proc), or None when none runs (zombies included)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, _, rest = stat.partition("(")[2].rpartition(")")
    return None if rest.split()[:1] == ["Z"] else name


def start_time(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks after boot; None when no such process runs."""
    fields = _stat_fields(pid)
    if not fields or fields[0] == "Z" or len(fields) < 20:
        return None
    return int(fields[19])  # field 22 of the whole line; fields here start at field 3


def record_of(pid: int) -> ProcessRecord:
    """``pid`` with its current start time, to be written to a pid file."""
    return ProcessRecord(pid, start_time(pid))


def may_signal(record: ProcessRecord | None, name: str | None = None) -> bool:
    """True only when ``record`` still names the same live process (and it is called ``name``)."""
    if record is None or record.pid <= 1 or record.pid == os.getpid() or record.started is None:
        return False
    if start_time(record.pid) != record.started:
        return False
    return name is None or process_name(record.pid) == name


def signal_record(record: ProcessRecord, sig: int, group: bool = False, name: str | None = None) -> bool:
    """Send ``sig`` to the recorded process (its group with ``group``, if it leads one); True if sent."""
    if not may_signal(record, name):
        return False
    try:
        if group and os.getpgid(record.pid) == record.pid:
            os.killpg(record.pid, sig)
        else:
            os.kill(record.pid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _reap(pid: int) -> None:
    """Collect ``pid``'s exit status if it is our child, so that it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def terminate(
    record: ProcessRecord, grace: float = 5.0, group: bool = False, name: str | None = None, reap: bool = False
) -> str:
    """SIGTERM the recorded process, wait up to ``grace`` s for it to end, then SIGKILL.

    With ``reap``, a child of this process is reaped as it ends (a notebook's server);
    without, its exit status is left for its ``Popen`` (a zombie counts as ended).

    Returns "not running" (nothing sent: gone, or the pid now belongs to another
    process), "stopped" or "killed".
    """
    if not signal_record(record, signal.SIGTERM, group, name):
        return "not running"

    def gone() -> bool:
        if reap:
            _reap(record.pid)
        return not may_signal(record, name)

    try:
        poll_until(gone, timeout=grace, interval=0.05, error=TimeoutError)
    except TimeoutError:
        signal_record(record, signal.SIGKILL, group, name)
        return "killed"
    return "stopped"


def stop_process(pid: int, name: str = "dockerd", grace: float = 30.0) -> str:
    """SIGTERM ``pid`` if it is still ``name``, wait up to ``grace`` seconds, then SIGKILL."""
    outcome = terminate(record_of(pid), grace, name=name) if pid > 1 else "not running"
    if outcome == "not running":
        return f"{name} (pid {pid}) had already stopped"
    if outcome == "stopped":
        return f"stopped {name} (pid {pid})"
    return f"killed {name} (pid {pid}) after {grace:g} s"
