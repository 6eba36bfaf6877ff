"""The nbval sanitizer file: well-formed, and each entry normalises what it claims to."""

import re
from pathlib import Path

from nbval.plugin import get_sanitize_patterns

CFG = Path(__file__).with_name("nbval-sanitize.cfg")


def sanitize(text: str) -> str:
    for regex, replace in get_sanitize_patterns(CFG.read_text()):
        text = re.sub(regex, replace, text)
    return text


def test_every_regex_line_is_followed_by_its_replace_line():
    text = CFG.read_bytes().decode()
    assert "\r" not in text, "LF line endings only"
    lines = text.splitlines()
    regex_lines = [i for i, line in enumerate(lines) if line.startswith("regex:")]
    for i in regex_lines:
        assert lines[i].startswith("regex: "), f"line {i + 1}: exactly one space after 'regex:'"
        assert lines[i + 1].startswith("replace: "), (
            f"line {i + 2}: 'replace: ' must follow (a bare 'replace:' drops the pair)"
        )
    assert len(get_sanitize_patterns(text)) == len(regex_lines)
    for regex, _ in get_sanitize_patterns(text):
        re.compile(regex)


def test_the_port_line_reads_the_same_whether_5000_was_free_or_taken():
    free = "Port 5000 is free: using 127.0.0.1:5000."
    taken = "Port 5000 is taken on 127.0.0.1 (another program listens there): using 127.0.0.1:41234 instead."
    assert sanitize(free) == sanitize(taken) == "Port 5000 checked: using 127.0.0.1:PORT."
    assert sanitize("Port 8000 is free: using 127.0.0.1:8000.") == "Port 8000 checked: using 127.0.0.1:PORT."


def test_volatile_values_are_normalised():
    assert sanitize("sha256:" + "a" * 64) == "sha256:DIGEST"
    assert sanitize("Up 3 seconds (healthy)") == "Up WHILE (healthy)"
    assert sanitize("1 passed in 0.02s") == "1 passed in Ns"
    assert sanitize("container 3f4e5a6b7c8d") == "container ID12"
    assert sanitize("2026-11-28T03:39:12.311Z") == "TIMESTAMP"


def test_claims_are_not_hidden():
    for text in ["Hello World!", "exit code 137", "uid=10001(appuser)", "Port 5000"]:
        assert sanitize(text) == text


def test_temporary_folder_names_are_normalised():
    assert sanitize("/tmp/wb08-app-k2j4_x9a/run.py") == "/tmp/wb08-app-TMP/run.py"
    assert sanitize("/tmp/wb07-secure-registry-abcd1234") == "/tmp/wb07-secure-registry-TMP"


def test_compose_names_built_from_temporary_folders_are_normalised():
    assert sanitize("wb08-article-vrivmlf0_default") == "wb08-article-TMP_default"
    assert sanitize("/tmp/workbook-docker-config-u6p0qr2v/config.json") == "/tmp/workbook-docker-config-TMP/config.json"


def test_leftover_lines_read_the_same_whatever_an_earlier_run_left():
    clean = "Nothing left over from an earlier run of 04-container."
    dirty = "Removed what an earlier run of 04-container left behind: 1 container, 1 image."
    assert sanitize(clean) == sanitize(dirty) == "Leftovers of an earlier run of 04-container: checked."


def test_04_the_engine_line_reads_the_same_on_every_engine_and_address():
    ours = "Docker engine 28.5.2+dfsg4 answers at unix:///var/run/docker.sock (API 1.51)."
    other = "Docker engine 29.0.1 answers at tcp://127.0.0.1:2375 (API 1.52)."
    assert sanitize(ours) == sanitize(other) == "Docker engine VERSION answers at ENGINE (API VERSION)."


def test_04_docker_stop_durations_are_normalised_but_exit_codes_stay():
    fast = "-> exec form:  docker stop took 0.4 s, exit code 0"
    assert sanitize(fast) == "-> exec form:  docker stop took N.N s, exit code 0"
    slow = "-> shell form: docker stop took 10.3 s, exit code 137"
    assert sanitize(slow) == "-> shell form: docker stop took N.N s, exit code 137"
    check = "✓ gunicorn is PID 1 of wb04-ex2; docker stop took 0.5 s (the timeout is 10 s), exit 0"
    assert sanitize(check).endswith("docker stop took N.N s (the timeout is 10 s), exit 0")


def test_04_a_docker_stats_sample_is_normalised():
    sample = "wb04-web: CPU 0.02%, memory 45.3MiB / 23.47GiB, 3 processes, network in/out 1.23kB / 612B"
    other = "wb04-web: CPU 12.50%, memory 101MiB / 7.66GiB, 4 processes, network in/out 980B / 0B"
    expected = "wb04-web: CPU N%, memory N / HOST, N processes, network in/out N / N"
    assert sanitize(sample) == sanitize(other) == expected


def test_04_the_stats_sample_is_normalised_on_a_terminal_line_too():
    sample = "wb04-web: CPU 0.02%, memory 52.01MiB / 23.54GiB, 4 processes, network in/out 1.85kB / 1.01kB\r\n"
    assert sanitize(sample) == "wb04-web: CPU N%, memory N / HOST, N processes, network in/out N / N\r\n"
