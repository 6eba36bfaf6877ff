"""Drill 1: broken environments. Each must end in ONE clear line naming the fix, no traceback.

The real entry points run in subprocesses: `make setup` (or `python -m workbook.setup`),
a notebook's first cell in a real kernel (``workbook.drills.probe``), and `make lab`.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from workbook.drills import PROBE, Outcome, say
from workbook.layout import ROOT
from workbook.ports import any_free_port

OUTSIDER = "wb-outsider"
FIRST_CELL = f'import workbook\nnb = workbook.Notebook("{PROBE}")'
PY = str(ROOT / ".venv" / "bin" / "python")


def _env(**changes: str | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBOOK_PORT_OFFSET": ""}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def probe(cells: list[str], env: dict[str, str], user: str | None = None, root: Path = ROOT) -> list[dict]:
    """Run ``cells`` as notebook cells in one fresh kernel (as ``user`` when given, with ``python``)."""
    python = outsider_python() if user else PY
    command = [python, "-m", "workbook.drills.probe", json.dumps(cells)]
    if user:
        command = ["runuser", "-u", user, "--", "env", *(f"{k}={v}" for k, v in env.items()), *command]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root / "notebooks", timeout=300)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return [{"text": "", "error": [f"probe failed: {done.stderr.strip()[-300:]}"]}] * len(cells)


def env_cell(**changes: str | None) -> str:
    """A cell's first lines: set (or, for None, remove) environment variables, as a learner's shell would."""
    lines = ["import os"]
    for key, value in changes.items():
        lines.append(f"os.environ.pop({key!r}, None)" if value is None else f"os.environ[{key!r}] = {value!r}")
    return "\n".join(lines) + "\n"


def one_line(lines: list[str] | None, *words: str) -> tuple[bool, str]:
    """(ok, the line): exactly one line, no traceback, and it names each of ``words``."""
    lines = [line for line in (lines or []) if line.strip() and not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    text = lines[0] if lines else "(nothing)"
    ok = len(lines) == 1 and "Traceback" not in text and all(w in text for w in words)
    return ok, text if len(lines) == 1 else f"{len(lines)} lines: " + " / ".join(lines[:3])[:300]


def entry_setup(env: dict[str, str], make: bool = True, user: str | None = None, root: Path = ROOT) -> list[str]:
    """What `make setup` (or `python -m workbook.setup`) printed on stderr; it must fail."""
    command = ["make", "-s", "--no-print-directory", "setup"] if make else [outsider_python(), "-m", "workbook.setup"]
    if user:
        command = ["runuser", "-u", user, "--", "env", *(f"{k}={v}" for k, v in env.items()), *command]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root, timeout=120)
    lines = done.stderr.strip().splitlines()
    return lines if done.returncode != 0 else [f"exit 0 (expected a failure): {done.stdout.strip()[-200:]}"]


class Checks:
    """Collects (case, entry point, ok, line) rows and prints each as it is seen."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, case: str, entry: str, ok: bool, line: str) -> None:
        self.rows.append({"case": case, "entry": entry, "ok": ok, "line": line})
        say(f"{case:<22} {entry:<14} {'ok ' if ok else 'BAD'} {line[:220]}")


HOSTS = {
    "DOCKER_HOST no socket": "unix:///nonexistent/wb-drill/docker.sock",
    "DOCKER_HOST closed port": "tcp://127.0.0.1:{closed}",
}


def docker_host_setup(checks: Checks, closed: int) -> None:
    """`make setup` with DOCKER_HOST at a socket path that does not exist, and at a closed TCP port."""
    for case, host in HOSTS.items():
        lines = entry_setup(_env(DOCKER_HOST=host.format(closed=closed)))
        checks.add(case, "make setup", *one_line(lines, "DOCKER_HOST", "unset DOCKER_HOST"))


def ensure_outsider() -> str:
    """A system user outside the docker group (created once, reused)."""
    try:
        pwd.getpwnam(OUTSIDER)
        return f"{OUTSIDER} exists"
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OUTSIDER], check=True
        )
        return f"created system user {OUTSIDER}"


def outsider_python() -> str:
    """A Python with the workbook's requirements that the outsider may run (ours may live under /root)."""
    home = Path(pwd.getpwnam("wb-learner").pw_dir) if _user_exists("wb-learner") else None
    candidates = [Path(PY)] + (
        [home / "workbook" / ".venv" / "bin" / "python", home / "venv" / "bin" / "python"] if home else []
    )
    for python in candidates:
        check = ["runuser", "-u", OUTSIDER, "--", str(python), "-c", "import docker, nbclient, ipykernel"]
        if python.exists() and subprocess.run(check, capture_output=True, cwd="/").returncode == 0:
            return str(python)
    raise RuntimeError(f"no Python with the workbook's requirements that {OUTSIDER} may run")


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def outsider_case(checks: Checks) -> None:
    """The default socket present but not permitted: a non-root user outside the docker group."""
    if os.geteuid() != 0:
        checks.add("socket not permitted", "(skipped)", True, "needs root to act as another user")
        return
    say(ensure_outsider())
    user = pwd.getpwnam(OUTSIDER)
    with tempfile.TemporaryDirectory(prefix="wbdr-outsider-") as home:
        # The outsider's own checkout of the package (it cannot write ours), and a home.
        copy = Path(home) / "workbook-copy"
        shutil.copytree(ROOT / "workbook", copy / "workbook", ignore=shutil.ignore_patterns("__pycache__"))
        (copy / "notebooks").mkdir()
        for path in [Path(home), *Path(home).rglob("*")]:
            os.lchown(path, user.pw_uid, user.pw_gid)
        env = _env(DOCKER_HOST=None, DOCKER_CONTEXT=None, HOME=home, PYTHONPATH=str(copy))
        env.pop("DOCKER_CONFIG", None)
        lines = entry_setup(env, make=False, user=OUTSIDER, root=copy)
        checks.add("socket not permitted", "setup", *one_line(lines, "Permission denied", "docker group"))
        error = probe([FIRST_CELL], env, user=OUTSIDER, root=copy)[0]["error"]
        checks.add("socket not permitted", "notebook cell", *one_line(error, "Permission denied", "docker group"))


def hold_port(port: int, wait: float = 30.0) -> socket.socket | None:
    """Listen on 127.0.0.1:port; while someone else holds it, retry for up to ``wait`` s.

    None when the port stayed taken by another program all along (then it is taken anyway;
    on a shared engine another run may free it at any time, hence the retries).
    """
    deadline = time.monotonic() + wait
    while True:
        holder = socket.socket()
        try:
            holder.bind(("127.0.0.1", port))
        except OSError:
            holder.close()
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.5)
            continue
        holder.listen()
        return holder


FAKE_DOCKER = """#!/bin/sh
# A docker CLI without the compose plugin (the drill's stand-in; everything else is the real CLI).
if [ "$1" = compose ]; then
  printf "docker: unknown command: docker compose\\n\\nRun 'docker --help' for more information\\n" >&2; exit 1
fi
exec {real} "$@"
"""


def kernel_cases(checks: Checks, image: str, label: str, closed: int) -> None:
    """In one kernel: DOCKER_HOST broken (x2), port 5000 taken (x2), Compose v2 missing (x2)."""
    holder = hold_port(5000)
    nocompose = Path(tempfile.mkdtemp(prefix="wbdr-nocompose-"))
    fake = nocompose / "docker"
    fake.write_text(FAKE_DOCKER.format(real=shutil.which("docker")))
    fake.chmod(0o755)
    docker_run = f"docker run -d --name wbdr-port5000 --label {label} -p 127.0.0.1:5000:5000 {image}"
    cases = [
        ("DOCKER_HOST no socket", "notebook cell", env_cell(DOCKER_HOST=HOSTS["DOCKER_HOST no socket"]) + FIRST_CELL),
        (
            "DOCKER_HOST closed port",
            "notebook cell",
            env_cell(DOCKER_HOST=HOSTS["DOCKER_HOST closed port"].format(closed=closed)) + FIRST_CELL,
        ),
        ("port 5000 taken", "nb.port(5000)", env_cell(DOCKER_HOST=None) + FIRST_CELL + "\nport = nb.port(5000)"),
        ("port 5000 taken", "cli.run docker", f"from workbook.cli import run\nrun({docker_run!r})"),
        (
            "Compose v2 missing",
            "cli.run compose",
            env_cell(PATH=f"{nocompose}:{os.environ['PATH']}")
            + "run('docker compose -p wbdr-nocompose up -d --wait', cwd=workbook.ROOT / 'compose')",
        ),
        (
            "Compose v2 missing",
            "setup check",
            "from workbook.setup import compose_version\nprint('compose:', compose_version())",
        ),
    ]
    try:
        found = probe([code for _, _, code in cases], _env())
    finally:
        if holder:
            holder.close()
        shutil.rmtree(nocompose)
        subprocess.run(["docker", "rm", "-f", "wbdr-port5000"], capture_output=True)
    for (case, entry, _), seen in zip(cases, found, strict=True):
        if entry == "nb.port(5000)":
            text = [line for line in seen["text"].splitlines() if line.startswith("Port ")]
            ok = seen["error"] is None and len(text) == 1 and "taken" in text[0] and "instead" in text[0]
            checks.add(case, entry, ok, text[0] if text else str(seen)[:300])
        elif entry == "setup check":
            ok = seen["error"] is None and seen["text"].strip() == "compose: None"
            checks.add(case, entry, ok, seen["text"].strip() or str(seen["error"]))
        elif entry == "cli.run docker":
            engine = next((line for line in seen["text"].splitlines() if "Error response" in line), "")
            say(f"{'':<22} {'(the engine)':<14}     {engine[-110:]}")
            checks.add(case, entry, *one_line(seen["error"], "5000", "nb.port"))
        elif entry == "cli.run compose":
            checks.add(case, entry, *one_line(seen["error"], "Compose v2 is missing", "make setup"))
        else:
            checks.add(case, entry, *one_line(seen["error"], "DOCKER_HOST", "unset DOCKER_HOST"))


def lab_case(checks: Checks) -> None:
    """Port 8888 taken: `make lab` says which URL to open, and JupyterLab listens exactly there."""
    holder = hold_port(8888)
    log = tempfile.NamedTemporaryFile(prefix="wbdr-lab-", suffix=".log", delete=False)
    lab = subprocess.Popen(
        ["make", "-s", "--no-print-directory", "lab"],
        cwd=ROOT,
        env=_env(LAB_PORT=None),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline, said, url = time.monotonic() + 90, None, None
        while time.monotonic() < deadline and lab.poll() is None and not (said and url):
            time.sleep(0.5)
            text = Path(log.name).read_text(errors="replace")
            said = next((line for line in text.splitlines() if line.startswith("lab: ")), None)
            url = next(
                (line.split()[-1] for line in text.splitlines() if "http://127.0.0.1:" in line and "token=" in line),
                None,
            )
        port = int(said.split("http://127.0.0.1:")[1].split("/")[0]) if said and "http://127.0.0.1:" in said else None
        ok = bool(said and "8888 is taken" in said and url and f":{port}/" in url)
        checks.add("port 8888 taken", "make lab", ok, f"{said} | JupyterLab: {url}")
    finally:
        try:
            os.killpg(lab.pid, 15)
            lab.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(lab.pid, 9)
        if holder:
            holder.close()
        os.unlink(log.name)


def drill(image: str, label: str) -> Outcome:
    """Every broken environment, each through its real entry points."""
    checks = Checks()
    closed = any_free_port()
    docker_host_setup(checks, closed)
    # The three slow parts (a kernel as root, a kernel as the outsider, JupyterLab) start at once.
    with ThreadPoolExecutor(max_workers=3) as pool:
        for done in [
            pool.submit(kernel_cases, checks, image, label, closed),
            pool.submit(outsider_case, checks),
            pool.submit(lab_case, checks),
        ]:
            done.result()
    bad = [f"{r['case']} via {r['entry']}: {r['line']}" for r in checks.rows if not r["ok"]]
    measured = f"{len(checks.rows) - len(bad)}/{len(checks.rows)} entry points gave one clear line"
    return Outcome("1 broken environments", not bad, measured, problems=bad, data={"rows": checks.rows})
