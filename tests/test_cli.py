import pytest

from workbook.cli import clean_output, failure_hint, run
from workbook.errors import CommandFailed

LEGACY_NOTICE = (
    "DEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n"
    "            Install the buildx component to build images with BuildKit:\n"
    "            https://docs.docker.com/go/buildx/\n"
    "\n"
)


def test_clean_output_drops_colours_progress_redraws_and_the_legacy_notice():
    raw = LEGACY_NOTICE + "\x1b[32mStep 1/2\x1b[0m : FROM x\nDownloading 10%\rDownloading 100%\nDone\n"
    assert clean_output(raw) == "Step 1/2 : FROM x\nDownloading 100%\nDone\n"


def test_run_prints_the_command_and_merged_output(capsys):
    result = run("echo out; echo err >&2")
    assert result.ok and result.lines == ["out", "err"]
    assert capsys.readouterr().out == "$ echo out; echo err >&2\nout\nerr\n"


def test_a_failing_command_raises_after_showing_its_output(capsys):
    with pytest.raises(CommandFailed, match="exited with status 3"):
        run("echo broken; exit 3")
    assert "broken" in capsys.readouterr().out


def test_check_false_returns_the_failure_for_assertions():
    result = run("exit 4", check=False, show=False)
    assert result.returncode == 4 and not result.ok


def test_a_hanging_command_is_stopped():
    with pytest.raises(CommandFailed, match="did not finish within 0.5 s"):
        run("sleep 5", timeout=0.5, show=False)


def test_shown_commands_name_repository_paths_relative_to_the_current_folder(monkeypatch):
    from workbook.cli import REPOSITORY, shown_command

    command = f"docker build -f {REPOSITORY}/docker/Dockerfile /tmp/ctx"
    monkeypatch.chdir(REPOSITORY / "notebooks")
    assert shown_command(command) == "docker build -f ../docker/Dockerfile /tmp/ctx"
    monkeypatch.chdir(REPOSITORY)
    assert shown_command(command) == "docker build -f docker/Dockerfile /tmp/ctx"


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by init) counts as gone.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_timeout_stops_every_process_of_a_pipeline(tmp_path):
    import time

    pid_file = tmp_path / "pid"
    with pytest.raises(CommandFailed, match="did not finish"):
        run(f"sleep 30 & echo $! > {pid_file}; wait | cat", timeout=1, show=False)
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "the pipeline's sleep survived the timeout"


def test_an_interrupt_stops_the_command_and_is_raised_again(tmp_path, monkeypatch):
    import subprocess
    import time

    pid_file = tmp_path / "pid"
    real_communicate = subprocess.Popen.communicate

    def interrupted(self, *args, **kwargs):
        deadline = time.monotonic() + 5
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess.Popen, "communicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(f"sleep 30 | cat & echo $! > {pid_file}; wait", show=False)
    monkeypatch.setattr(subprocess.Popen, "communicate", real_communicate)
    pid = int(pid_file.read_text())
    time.sleep(0.2)
    assert not _alive(pid)


def test_compose_missing_is_one_line_naming_the_fix(tmp_path):
    fake = tmp_path / "docker"
    fake.write_text('#!/bin/sh\necho "docker: unknown command: docker $1" >&2\nexit 1\n')
    fake.chmod(0o755)
    with pytest.raises(CommandFailed, match=r"Compose v2 is missing .* run `make setup`"):
        run("docker compose version", show=False, env={"PATH": f"{tmp_path}:/usr/bin:/bin"})


@pytest.mark.parametrize(
    "engine_says",
    [
        "docker: Error response from daemon: driver failed programming external connectivity on endpoint x: "
        "Bind for 127.0.0.1:5000 failed: port is already allocated",
        "docker: Error response from daemon: failed to set up container networking: driver failed programming "
        "external connectivity on endpoint x (0a1b): failed to bind host port for 127.0.0.1:5000:172.17.0.2:5000/tcp: "
        "Error starting userland proxy: listen tcp4 127.0.0.1:5000: bind: address already in use",
        "docker: Error response from daemon: failed to set up container networking: driver failed programming "
        "external connectivity on endpoint x (268e): failed to bind host port for 127.0.0.1:5000:172.17.0.5:5000/tcp: "
        "address already in use",
    ],
)
def test_a_taken_host_port_is_one_line_naming_nb_port(engine_says):
    command = f"echo '{engine_says}' >&2; exit 125"
    with pytest.raises(CommandFailed, match=r"Host port 5000 is taken .* nb\.port\(5000\)"):
        run(command, show=False)


def test_a_full_disk_is_named_with_the_fix_in_one_line():
    output = "#6 ERROR: failed to copy: write /var/lib/docker/x: no space left on device\n"
    hint = failure_hint("docker build -t x .", output)
    assert hint is not None and "disk is full" in hint and "docker system df" in hint and "\n" not in hint
    assert failure_hint("docker build -t x .", "exit code: 3") is None
