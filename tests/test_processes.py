"""Tests of workbook.processes: a pid is signalled only while it is still the recorded process."""

from __future__ import annotations

import os
import subprocess

import pytest

from workbook import cleanup
from workbook.processes import ProcessRecord, may_signal, record_of, start_time, terminate


@pytest.fixture
def sleeper():
    process = subprocess.Popen(["sleep", "60"], start_new_session=True)
    yield process
    process.kill()
    process.wait()


@pytest.mark.parametrize("text", ["", "  \n", "abc", "12 x", "-5"])
def test_empty_or_garbled_pid_files_give_no_record(text):
    assert ProcessRecord.parse(text) is None


def test_a_record_round_trips_through_its_text(sleeper):
    record = record_of(sleeper.pid)
    assert record.started == start_time(sleeper.pid) is not None
    assert ProcessRecord.parse(record.text()) == record


@pytest.mark.parametrize("pid", [0, 1])
def test_never_pid_0_or_1(pid):
    assert not may_signal(ProcessRecord(pid, start_time(pid) or 0))


def test_never_this_process_nor_a_record_without_start_time(sleeper):
    assert not may_signal(record_of(os.getpid()))
    assert not may_signal(ProcessRecord(sleeper.pid, None))


def test_a_reused_pid_is_not_signalled(sleeper):
    record = record_of(sleeper.pid)
    other = ProcessRecord(sleeper.pid, record.started + 1)  # what a recycled pid looks like
    assert terminate(other, grace=0.1) == "not running"
    assert sleeper.poll() is None
    assert not may_signal(record, name="not-sleep")
    assert terminate(record, grace=5, group=True) == "stopped"
    assert sleeper.wait(timeout=5) == -15


def test_cleanup_forgets_old_style_and_empty_pid_files_without_signalling(sleeper, tmp_path, monkeypatch):
    monkeypatch.setattr(cleanup, "PROCESS_DIR", tmp_path)
    folder = cleanup.process_dir("tests-processes")
    folder.mkdir(parents=True)
    (folder / "legacy.pid").write_text(str(sleeper.pid))  # a pid alone: cannot be checked
    (folder / "empty.pid").write_text("")
    removed = cleanup.Removed()
    cleanup.stop_processes("tests-processes", removed)
    assert removed.total == 0 and sleeper.poll() is None
    assert list(folder.glob("*.pid")) == []


def test_cleanup_stops_a_recorded_process(sleeper, tmp_path, monkeypatch):
    monkeypatch.setattr(cleanup, "PROCESS_DIR", tmp_path)
    cleanup.record_process("tests-processes", sleeper.pid)
    removed = cleanup.Removed()
    cleanup.stop_processes("tests-processes", removed)
    assert removed.counts == {"process": 1}
