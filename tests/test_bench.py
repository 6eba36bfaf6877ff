"""workbook.bench (wrk's report), workbook.serving, workbook.bench_report and setup's wrk step, with fakes."""

from __future__ import annotations

import json

import pytest

from workbook import bench, bench_report, serving
from workbook import setup as workbook_setup
from workbook.bench import WrkMissing, WrkReportUnreadable, WrkResult, median_result, parse_wrk, to_ms
from workbook.bench_report import verdict
from workbook.errors import WorkbookError

CLEAN = """\
Running 2s test @ http://127.0.0.1:5000/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.91ms    2.03ms  32.10ms   81.25%
    Req/Sec     1.66k   210.33     2.01k    72.50%
  Latency Distribution
     50%    4.52ms
     75%    5.80ms
     90%    7.12ms
     99%   12.40ms
  6612 requests in 2.00s, 1.07MB read
Requests/sec:   3306.00
Transfer/sec:    547.60KB
"""

FAILING = """\
Running 1s test @ http://127.0.0.1:18555/nothing
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    13.33ms   18.12ms 107.45ms   89.62%
    Req/Sec   234.40    215.69   679.00     70.00%
  Latency Distribution
     50%    9.08ms
     75%   17.04ms
     90%   33.00ms
     99%   89.90ms
  242 requests in 1.06s, 122.89KB read
  Socket errors: connect 0, read 3, write 1, timeout 2
  Non-2xx or 3xx responses: 242
Requests/sec:    227.96
Transfer/sec:    115.76KB
"""


def test_a_clean_report_is_parsed():
    r = parse_wrk(CLEAN)
    assert r == WrkResult(requests=6612, seconds=2.0, requests_per_s=3306.0, p50_ms=4.52, p99_ms=12.4)
    assert r.errors == 0 and r.as_dict()["errors"] == 0


def test_socket_errors_and_non_2xx_answers_are_counted():
    r = parse_wrk(FAILING)
    assert (r.socket_errors, r.non_2xx, r.errors) == (6, 242, 248)
    assert (r.requests, r.requests_per_s, r.p50_ms, r.p99_ms) == (242, 227.96, 9.08, 89.9)


def test_latency_units_become_milliseconds():
    assert to_ms("812.00us") == pytest.approx(0.812)
    assert to_ms("1.50s") == 1500.0
    assert to_ms("2.00m") == 120_000.0
    with pytest.raises(WrkReportUnreadable):
        to_ms("fast")


def test_percentiles_in_seconds_are_read():
    slow = CLEAN.replace("99%   12.40ms", "99%    1.20s").replace("in 2.00s", "in 2.01s")
    r = parse_wrk(slow)
    assert r.p99_ms == 1200.0 and r.seconds == 2.01


def test_a_report_without_latency_distribution_is_refused():
    without = "\n".join(line for line in CLEAN.splitlines() if "%" not in line or "Stdev" in line)
    with pytest.raises(WrkReportUnreadable, match="--latency"):
        parse_wrk(without)
    with pytest.raises(WrkReportUnreadable):
        parse_wrk("unable to connect to 127.0.0.1:5000 Connection refused")


def test_median_keeps_the_middle_run_and_adds_every_error():
    runs = [parse_wrk(CLEAN.replace("3306.00", rate)) for rate in ("100.0", "300.0", "200.0")]
    runs[0] = WrkResult(**{**runs[0].__dict__, "socket_errors": 2})
    m = median_result(runs)
    assert m.requests_per_s == 200.0 and m.socket_errors == 2
    assert median_result(runs[:2]).requests_per_s == 200.0
    with pytest.raises(ValueError):
        median_result([])


def test_wrk_goes_to_loopback_only(monkeypatch):
    monkeypatch.setattr(bench.shutil, "which", lambda name: "/usr/bin/wrk")
    command = bench.wrk_command("http://127.0.0.1:5000/", 2.4, connections=8)
    assert command[:4] == ["/usr/bin/wrk", "-t2", "-c8", "-d2s"] and "--latency" in command
    with pytest.raises(WorkbookError, match="127.0.0.1 only"):
        bench.wrk_command("http://example.org/", 2)


def test_a_missing_wrk_names_the_fix(monkeypatch):
    monkeypatch.setattr(bench.shutil, "which", lambda name: None)
    with pytest.raises(WrkMissing, match="sudo apt-get install wrk"):
        bench.wrk_path()


def test_setup_installs_wrk_as_root_and_names_the_fix_otherwise(monkeypatch):
    installed = []
    monkeypatch.setattr(workbook_setup.shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None)
    monkeypatch.setattr(workbook_setup.provision, "apt_install", installed.extend)
    monkeypatch.setattr(workbook_setup.os, "geteuid", lambda: 0)
    assert "installed" in workbook_setup.ensure_wrk() and installed == ["wrk"]
    monkeypatch.setattr(workbook_setup.os, "geteuid", lambda: 1000)
    line = workbook_setup.ensure_wrk()
    assert "sudo apt-get install wrk" in line and "\n" not in line and installed == ["wrk"]


def test_the_plan_comes_from_the_environment():
    assert serving.plan_from_env({}) is serving.SHORT
    assert serving.plan_from_env({"WORKBOOK_BENCH": "full"}) is serving.FULL
    assert serving.SHORT.seconds <= 3 and serving.FULL.repetitions == 3 and serving.FULL.timing_repetitions == 5


def test_the_configurations_follow_the_cpu_count():
    by_key = {s.key: s for s in serving.servers(3)}
    assert list(by_key) == ["dev", "sync", "gthread", "sync-host", "gthread-host", "wsgi-host"]
    assert by_key["sync"].argv("0.0.0.0:5000")[:5] == ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "7"]
    assert by_key["dev"].argv("0.0.0.0:5000")[-4:] == ["--host", "0.0.0.0", "--port", "5000"]
    assert by_key["sync-host"].host_network and by_key["wsgi-host"].argv("127.0.0.1:1")[-1] == "hello:app"
    assert not any(n in s.label for s in by_key.values() for n in "37")  # labels name no machine fact


def test_the_bench_apps_are_valid_wsgi(tmp_path):
    folder = serving.write_bench_apps(tmp_path / "bench")
    namespace: dict = {}
    exec((folder / "gil.py").read_text(), namespace)  # noqa: S102 - our own file
    seen = []
    assert namespace["wait"]({}, lambda status, headers: seen.append(status)) == [b"waited 20 ms"]
    exec((folder / "hello.py").read_text(), namespace)  # noqa: S102
    assert namespace["app"]({}, lambda status, headers: seen.append(status)) == [b"Hello World!"]
    assert seen == ["200 OK", "200 OK"]


def test_docker_proxy_is_found_by_its_host_port(tmp_path):
    args = ["/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", "127.0.0.1", "-host-port", "32768"]
    args += ["-container-ip", "172.17.0.5", "-container-port", "5000", ""]
    (tmp_path / "42").mkdir()
    (tmp_path / "42" / "cmdline").write_bytes("\0".join(args).encode())
    (tmp_path / "7").mkdir()
    (tmp_path / "7" / "cmdline").write_bytes(b"bash\0")
    found = serving.docker_proxy_for(32768, proc=tmp_path)
    assert found == "docker-proxy: 127.0.0.1:32768 -> 172.17.0.5:5000"
    assert serving.docker_proxy_for(5000, proc=tmp_path) is None


def results_json(dev: float = 500.0, best: float = 2500.0, errors: int = 0) -> dict:
    load = {}
    for key, rate in (("dev", dev), ("sync", best), ("gthread", best / 2), ("sync-host", best / 3), ("wsgi-host", 9e3)):
        load[key] = {**WrkResult(100, 8.0, rate, 3.0, 9.0).as_dict(), "errors": errors if key == "gthread" else 0}
    timings = {"start_to_200_s": 1.2, "build_cold_s": 20.0, "build_cached_s": 2.0, "stop_timeout_s": 10}
    timings |= {"stop_exec_s": 0.5, "stop_shell_s": 10.2}
    meta = {"date": "2026-11-28", "engine": "28.5.2", "store": "containerd", "cpus": 2}
    return {
        "meta": meta,
        "plan": {"seconds": 8, "repetitions": 3, "timing_repetitions": 5, "connections": 16},
        "labels": {s.key: s.label for s in serving.servers(2)},
        "load": load,
        "timings": timings,
    }


def test_the_bar_is_four_times_the_dev_server_without_errors():
    assert verdict(results_json()) == []
    assert "below 4×" in verdict(results_json(best=1500.0))[0]
    assert verdict(results_json(errors=3)) == ["gthread: 3 failed requests"]


def test_the_readme_table_is_written_then_replaced(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Workbook\n\nIntro.\n")
    assert bench_report.update_readme(readme, results_json())
    text = readme.read_text()
    assert "## Benchmarks" in text and "| Flask dev server (published port) | 500 | 1.0× |" in text
    assert "| gunicorn sync, 2×cores+1 (published port) | 2500 | 5.0× |" in text
    assert not bench_report.update_readme(readme, results_json())
    assert bench_report.update_readme(readme, results_json(best=3000.0))
    assert readme.read_text().count("## Benchmarks") == 1 and "| 3000 | 6.0× |" in readme.read_text()


def test_the_report_script_reads_results_json(tmp_path, capsys):
    (tmp_path / "README.md").write_text("# W\n")
    (tmp_path / "results.json").write_text(json.dumps(results_json()))
    assert bench_report.main([str(tmp_path / "README.md"), str(tmp_path / "results.json")]) == 0
    assert "table updated" in capsys.readouterr().out


def test_the_text_table_shows_ratios_and_errors():
    load = {k: WrkResult(10, 2.0, rate, 1.0, 2.0) for k, rate in (("dev", 100.0), ("sync", 450.0))}
    lines = bench_report.text_table(load, {"dev": "dev server", "sync": "gunicorn"}).splitlines()
    assert "×  4.5" in lines[1] and lines[1].endswith("0 errors") and "p50    1.0 ms" in lines[0]


SLOW_WITH_ERRORS = """Running 3s test @ http://127.0.0.1:45999/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.58s   829.86ms   2.59s    53.25%
  Latency Distribution
     50%  740.00us~
     75%    2.41ms~
     90%    2.54s~
     99%    2.59s~
  77 requests in 3.03s, 12.41KB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:     25.42
Transfer/sec:      4.10KB
""".replace("~", " ")  # wrk ends the percentile lines with a space


def test_a_slow_report_with_trailing_spaces_and_seconds_is_parsed():  # the drills' 64-connection load
    load = parse_wrk(SLOW_WITH_ERRORS)
    assert (load.requests, load.requests_per_s, load.p50_ms, load.p99_ms) == (77, 25.42, 0.74, 2590.0)
    assert (load.socket_errors, load.non_2xx) == (5, 4)


def test_a_report_without_error_lines_has_no_errors():
    clean = SLOW_WITH_ERRORS.replace("  Socket errors: connect 0, read 3, write 0, timeout 2\n", "").replace(
        "  Non-2xx or 3xx responses: 4\n", ""
    )
    load = parse_wrk(clean)
    assert load.socket_errors == 0 and load.non_2xx == 0
