import pytest

from workbook.cli import clean_output, run
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
