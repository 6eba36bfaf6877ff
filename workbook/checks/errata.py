"""Checks for notebook 12 (what the article got wrong): a compose file repaired, COPY lines the builder accepts."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from workbook.checks import passed, require
from workbook.checks.compose import compose_config

BROKEN_COMPOSE = """\
version: "3.8"
services:
  web:
    build: .
    ports:
      -"127.0.0.1:8000:5000"
    environment:
      FLASK_ENV: development
      REDIS_HOST:redis
"""
"""Exercise 1's file: the article's kinds of mistake, in new places."""

INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)\b")


def check_compose_repaired(path: str | Path) -> bool:
    """BROKEN_COMPOSE repaired: Compose loads it without a warning; no version, FLASK_DEBUG, the same port."""
    model, messages = compose_config(path)
    require("obsolete" not in messages, "Compose still warns that `version` is obsolete: delete that line.")
    require(not messages.strip(), f"Compose still prints a message: {messages.strip()}")
    web = model.get("services", {}).get("web")
    require(web is not None and "build" in web, "Keep the `web` service and its `build: .`.")
    ports = web.get("ports") or []
    require(
        [(p.get("host_ip"), str(p.get("published")), p.get("target")) for p in ports] == [("127.0.0.1", "8000", 5000)],
        'Keep one port, "127.0.0.1:8000:5000", as a list item (a space after the dash).',
    )
    environment = web.get("environment") or {}
    require("FLASK_ENV" not in environment, "FLASK_ENV does nothing since Flask 2.3: remove it.")
    require(
        environment.get("FLASK_DEBUG") in ("1", "true", "True"), 'Turn debug mode on the current way: FLASK_DEBUG: "1".'
    )
    require(
        environment.get("REDIS_HOST") == "redis", "REDIS_HOST should be the variable REDIS_HOST with the value redis."
    )
    return passed(f"{Path(path).name}: Compose loads it silently; 127.0.0.1:8000, FLASK_DEBUG=1, REDIS_HOST=redis.")


def check_copy_lines(path: str | Path) -> bool:
    """``path`` holds the article's two COPY instructions, whole: BuildKit copies both files into /usr/src/app.

    The check builds ``FROM scratch``, ``WORKDIR /usr/src/app`` and the file's lines over a
    context holding requirements.txt and run.py, and has BuildKit write the result to a
    folder (no image, nothing pulled).
    """
    path = Path(path)
    require(path.is_file(), f"{path} does not exist; write your two COPY lines there first.")
    lines = [line for line in path.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    words = [m.group(1).upper() if (m := INSTRUCTION.match(line)) else "" for line in lines]
    require(words == ["COPY", "COPY"], f"Write exactly two COPY lines, as the article meant them (found: {lines}).")
    with tempfile.TemporaryDirectory(prefix="workbook-copy-") as tmp:
        context = Path(tmp) / "context"
        context.mkdir()
        (context / "requirements.txt").write_text("Flask==3.1.3\n")
        (context / "run.py").write_text("print('hello')\n")
        dockerfile = Path(tmp) / "copy-probe"
        dockerfile.write_text("FROM scratch\nWORKDIR /usr/src/app\n" + "\n".join(lines) + "\n")
        out = Path(tmp) / "out"
        done = subprocess.run(
            [
                "docker",
                "build",
                "--progress=plain",
                "-f",
                str(dockerfile),
                "--output",
                f"type=local,dest={out}",
                str(context),
            ],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        errors = [line for line in done.stderr.splitlines() if "ERROR" in line or "error" in line]
        require(done.returncode == 0, f"BuildKit rejects your lines: {(errors or ['no message'])[-1].strip()}")
        app = out / "usr" / "src" / "app"
        copied = sorted(p.name for p in app.iterdir()) if app.is_dir() else []
    require(
        copied == ["requirements.txt", "run.py"],
        f"/usr/src/app should hold requirements.txt and run.py, it holds {copied}: copy to `.` (the WORKDIR).",
    )
    return passed("BuildKit accepts both COPY lines: /usr/src/app holds requirements.txt and run.py.")
