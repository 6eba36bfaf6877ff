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


def test_a_port_offset_reads_like_the_article_port():
    shifted = "Port 15000 (5000 + WORKBOOK_PORT_OFFSET) is free: using 127.0.0.1:15000."
    assert sanitize(shifted) == "Port 5000 checked: using 127.0.0.1:PORT."


def test_the_replica_port_range_reads_the_same_free_taken_or_shifted():
    expected = "Ports 5000-5002 checked: using 127.0.0.1:PORT-PORT."
    assert sanitize("Ports 5000-5002 are free: using 127.0.0.1:5000-5002.") == expected
    assert sanitize("Ports 5000-5002 are partly taken on 127.0.0.1: using 127.0.0.1:40001-40003 instead.") == expected
    shifted = "Ports 15000-15002 (5000-5002 + WORKBOOK_PORT_OFFSET) are free: using 127.0.0.1:15000-15002."
    assert sanitize(shifted) == expected


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


def test_07_engine_line_and_registry_version_are_normalised():
    line = "Docker engine 28.5.2+dfsg4 answers at unix:///var/run/docker.sock (API 1.51)."
    assert sanitize(line) == "Docker engine VERSION answers at unix:///var/run/docker.sock (API N.NN)."
    assert (
        sanitize("registry github.com/docker/distribution 2.8.3+ds1") == "registry github.com/docker/distribution 2.8.N"
    )
    v3 = "registry github.com/distribution/distribution/v3 v3.0.0"
    assert sanitize(v3) == "registry github.com/distribution/distribution/v3 v3.0.N"


def test_05_06_engine_build_suffixes_are_normalised():
    assert sanitize("Engine 28.5.2+dfsg4 REST API") == "Engine 28.5.2 REST API"
    assert sanitize("Server: Docker/28.5.2+dfsg4 (linux)") == "Server: Docker/28.5.2 (linux)"
    assert sanitize("containerd 2.1.9+unknown container lifecycle") == "containerd 2.1.9 container lifecycle"
    assert sanitize("runc 1.1.5+ds1 starts") == "runc 1.1.5 starts"
    assert sanitize("client 28.2.2 speaks up to API 1.50") == "client 28.2.2 speaks up to API 1.50"


def test_05_proc_pids_and_snapshot_numbers_are_normalised():
    assert sanitize("dockerd's environment (/proc/2790/environ) is") == "dockerd's environment (/proc/PID/environ) is"
    assert sanitize("<data root>/containerd/daemon/io.containerd.snapshotter.v1.overlayfs/snapshots/859/fs") == (
        "<data root>/containerd/daemon/io.containerd.snapshotter.v1.overlayfs/snapshots/N/fs"
    )


def test_05_data_root_and_cgroup_version_are_normalised():
    assert sanitize("root directory       /var/lib/docker") == "root directory       DATA_ROOT"
    assert sanitize("storage=overlayfs cgroup=cgroupfs root=/srv/docker logs=json-file") == (
        "storage=overlayfs cgroup=cgroupfs root=DATA_ROOT logs=json-file"
    )
    assert sanitize("cgroup driver        cgroupfs (cgroup v1)") == "cgroup driver        cgroupfs (cgroup vN)"


def test_version_build_suffixes_are_normalised():
    assert sanitize("Docker engine 28.5.2+dfsg4 answers at") == "Docker engine 28.5.2 answers at"
    assert sanitize("github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4") == "github.com/docker/buildx 0.29.1 0.29.1"
    assert sanitize("  Version:          1.6.20~ds1") == "  Version:          1.6.20"
    assert sanitize("<text>Engine 28.5.2+dfsg4</text>") == "<text>Engine 28.5.2</text>"
    assert sanitize("Docker Compose version v2.40.3") == "Docker Compose version v2.40.3"


def test_docker_version_build_facts_are_normalised():
    assert sanitize(" Go version:        go1.24.3") == " Go version:        go1.N"
    assert sanitize("  Git commit:       3ef3c07c883be49a2e8097bcf6d2952fce1d70eb") == "  Git commit: COMMIT"
    assert sanitize("  GitCommit:        1.1.5+ds1-1+deb12u1") == "  GitCommit: COMMIT"
    assert sanitize("  GitCommit:        \n") == "  GitCommit: COMMIT\n"
    assert sanitize(" Built:             Fri May 30 12:07:14 2025") == " Built:             DATE"
    assert sanitize("  Built:            Thu May  7 21:09:36 2026") == "  Built:            DATE"


def test_python_patch_levels_are_normalised():
    assert sanitize("Hello from Python 3.13.5 in a container") == "Hello from Python 3.13.x in a container"
    assert sanitize("the python image runs Python 3.13.5, not the host's") == (
        "the python image runs Python 3.13.x, not the host's"
    )


def test_03_engine_line_reads_the_same_on_every_engine_build():
    a = "Docker engine 28.5.2+dfsg4 answers at unix:///var/run/docker.sock (API 1.51)."
    b = "Docker engine 29.0.1 answers at unix:///var/run/docker.sock (API 1.52)."
    assert sanitize(a) == sanitize(b) == "Docker engine VERSION answers at unix:///var/run/docker.sock (API N.NN)."


def test_03_copied_file_hashes_in_docker_history_are_normalised():
    truncated = "0B\t/bin/sh -c #(nop) COPY file:a7a074809ddb0e58…"
    assert sanitize(truncated) == "0B\t/bin/sh -c #(nop) COPY file:HASH…"
    assert "HASH" in sanitize("COPY dir:9e663109ebaed0c15… in .")


def test_03_docker_history_sizes_are_normalised_but_empty_layers_stay():
    history = "0B\tUSER 10001\n24.6kB\tCOPY . . # buildkit\n14.3MB\tRUN |1 UID=10001 pip\n143MB\t\n959B\tCOPY x"
    assert (
        sanitize(history)
        == "0B\tUSER 10001\nSIZE\tCOPY . . # buildkit\nSIZE\tRUN |1 UID=10001 pip\nSIZE\t\nSIZE\tCOPY x"
    )
    assert sanitize("Size 12MB in text") == "Size 12MB in text"


def test_03_measured_sizes_after_the_approximately_equal_sign_are_normalised():
    assert sanitize("base ≈   0.24 MB  COPY") == "base ≈ N MB  COPY"
    assert sanitize("≈   213 MB  our image") == "≈ N MB  our image"
    assert sanitize("is ≈ 4.4 times our whole image") == "is ≈ N times our whole image"


def test_03_buildkit_context_refs_are_normalised():
    line = 'failed to calculate checksum of ref 2lr54gdup2erkbr11n935ivvz::jtrfikqfojacxnsvdcrwpdcoq: "/x": not found'
    assert sanitize(line) == 'failed to calculate checksum of ref ID::ID: "/x": not found'


def test_08_engine_banner_hides_build_string_and_api_version():
    new = "Docker engine 28.5.2+dfsg4 answers at unix:///var/run/docker.sock (API 1.51)."
    old = "Docker engine 20.10.24+dfsg1 answers at unix:///var/run/docker.sock (API 1.41)."
    expected = "Docker engine VERSION answers at unix:///var/run/docker.sock (API N.NN)."
    assert sanitize(new) == sanitize(old) == expected


def test_08_compose_down_duration_is_normalised():
    assert sanitize("down took 0.8 s") == sanitize("down took 12.3 s") == "down took N.N s"


def test_04_the_engine_line_reads_the_same_on_every_engine_and_address():
    ours = "Docker engine 28.5.2+dfsg4 answers at unix:///var/run/docker.sock (API 1.51)."
    other = "Docker engine 29.0.1 answers at tcp://127.0.0.1:2375 (API 1.52)."
    assert sanitize(ours) == "Docker engine VERSION answers at unix:///var/run/docker.sock (API N.NN)."
    assert sanitize(other) == "Docker engine VERSION answers at tcp://127.0.0.1:PORT (API N.NN)."


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


def test_11_swarm_ids_token_task_ages_and_load_counts_are_normalised():
    assert sanitize("Swarm initialized: current node (jefw4ekevcmxxafgq7kzexfcv) is now a manager.") == (
        "Swarm initialized: current node (ID25) is now a manager."
    )
    assert (
        sanitize("Updating service wb11_web (id: t95dxruakkcr0sdzfnvprjmbq)") == "Updating service wb11_web (id: ID25)"
    )
    token = "SWMTKN-1-2mfi23u1y311ljqrzspsx85cs17uisss21iucv0xaw45zopm0m-dvxpvcr0z72yugsg19ji77182"
    assert sanitize(f"docker swarm join --token {token} 127.0.0.1:2377") == (
        "docker swarm join --token SWMTKN-1-TOKEN 127.0.0.1:PORT"
    )
    for age in ("less than a second", "1 second", "56 seconds", "about a minute", "2 minutes"):
        assert sanitize(f"desired=Running now=Running {age} ago") == "desired=Running now=Running WHILE ago"
    assert sanitize("load: 888 requests in ⏱ 106.9 s, 0 failed {}") == "load: N requests in ⏱ N.N s, 0 failed {}"
    assert sanitize("load: 888 requests in ⏱ 1.9 s, 3 failed") == "load: N requests in ⏱ N.N s, 3 failed"
    assert sanitize("load: answers v1 535, v2 353; first v2 at ⏱ 34.3 s") == (
        "load: answers v1 N, v2 N; first v2 at ⏱ N.N s"
    )


def test_10_load_test_figures_are_normalised_but_errors_stay():
    row = "gunicorn sync, 2×cores+1 (host network)    3456 req/s  ×  5.1  p50    4.2 ms  p99   12.0 ms  0 errors"
    assert sanitize(row) == "gunicorn sync, 2×cores+1 (host network) N req/s  ×N  p50 N ms  p99 N ms  0 errors"
    assert sanitize("round 1/3: dev               52 req/s") == "round 1/3: dev N req/s"
    assert sanitize("8 threads instead of 1: waiting ×7.9, computing ×1.0") == (
        "8 threads instead of 1: waiting ×N, computing ×N"
    )
    assert sanitize("3 errors") == "3 errors"


def test_10_cpu_count_and_wrk_version_are_normalised():
    line = "The engine has 2 CPUs: 5 sync workers, 2 gthread workers with 4 threads each."
    expected = "The engine has N CPUs: 2N+1 sync workers, N gthread workers with 4 threads each."
    assert sanitize(line) == expected
    assert sanitize(line.replace("2 CPUs: 5", "16 CPUs: 33").replace("2 gthread", "16 gthread")) == expected
    assert sanitize("wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer") == (
        "wrk VERSION [EVENTS] Copyright (C) 2012 Will Glozer"
    )


def test_10_timings_are_normalised():
    assert sanitize("start to first 200, median of 3: ⏱ 1.4 s") == "start to first 200, median of 3: ⏱ N.N s"
    assert sanitize("exec form:  docker stop took 0.6 s, exit codes [0]") == (
        "exec form:  docker stop took N.N s, exit codes [0]"
    )


def test_01_the_exercise_server_port_is_normalised():
    for port in ("5050", "15050"):
        assert sanitize(f"✓ your development server answers Hello World! on port {port}") == (
            "✓ your development server answers Hello World! on port PORT"
        )
