"""Checks for notebook 02 (Dockerfile): a learner's Dockerfile and .dockerignore, verified for real."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import docker

from workbook.checks import passed, require
from workbook.context import builder_context_files
from workbook.hadolint import lint


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) for each instruction of a Dockerfile; continuation lines joined.

    Comments and blank lines are skipped; the parser directives of a real Dockerfile are
    comments too, so they are skipped as well.
    """
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            keyword, _, arguments = full.partition(" ")
            result.append((keyword.upper(), arguments.strip()))
    if pending.strip():
        keyword, _, arguments = pending.strip().partition(" ")
        result.append((keyword.upper(), arguments.strip()))
    return result


def exec_form(arguments: str) -> list[str] | None:
    """The JSON array of an exec-form CMD/ENTRYPOINT, or None for the shell form."""
    try:
        value = json.loads(arguments)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, list) and all(isinstance(item, str) for item in value) else None


def check_dockerfile(path: str | Path) -> bool:
    """The exercise Dockerfile: lint-clean, spaces right, numeric non-root USER, exec-form gunicorn CMD."""
    path = Path(path)
    require(path.is_file(), f"There is no file at {path}: write your Dockerfile there (%%writefile {path}).")
    findings = lint(path)
    require(not findings, "hadolint still finds: " + "; ".join(str(f) for f in findings))
    steps = instructions(path.read_text())
    keywords = [keyword for keyword, _ in steps]
    require(keywords[:1] == ["FROM"] or "FROM" in keywords, "A Dockerfile needs a FROM instruction.")
    for keyword, arguments in steps:
        if keyword == "COPY":
            require(
                len(arguments.split()) >= 2,
                f"`COPY {arguments}` has no destination: put a space between source and destination.",
            )
    users = [arguments for keyword, arguments in steps if keyword == "USER"]
    require(bool(users), "No USER instruction: the process would run as root. Add a user and switch to it.")
    user = users[-1].split(":", 1)[0]
    require(user not in ("root", "0"), f"The last USER is {user}: that is root. Switch to the unprivileged user.")
    require(
        user.isdigit() or user.startswith("$"),
        f"USER {user} is a name; give the numeric UID so the host (and Kubernetes) can tell it is not root.",
    )
    cmds = [arguments for keyword, arguments in steps if keyword == "CMD"]
    require(bool(cmds), "No CMD: say which program the container runs.")
    command = exec_form(cmds[-1])
    require(command is not None, f"CMD {cmds[-1]} is the shell form; write it as a JSON array (exec form).")
    require(
        bool(command) and command[0] == "gunicorn" and any("0.0.0.0:5000" in word for word in command),
        f"CMD {cmds[-1]} should start gunicorn bound to 0.0.0.0:5000 (the article's run.py never starts a server).",
    )
    return passed(f"{path.name}: hadolint finds nothing, COPY lines are whole, USER {users[-1]}, CMD runs gunicorn.")


def check_dockerignore(
    client: docker.DockerClient,
    context: str | Path,
    labels: dict[str, str],
    excluded: Iterable[str],
    included: Iterable[str] = ("run.py", "requirements.txt"),
) -> bool:
    """Ask BuildKit which files of ``context`` reach the builder; ``excluded`` must not, ``included`` must.

    ``client`` and ``labels`` are kept for the exercise's call; BuildKit's probe leaves nothing to label.
    """
    context = Path(context)
    require((context / ".dockerignore").is_file(), f"There is no .dockerignore in {context}: write one there.")
    seen = builder_context_files(context)
    for name in included:
        require(name in seen, f"{name} no longer reaches the builder: a pattern in .dockerignore is too broad.")
    leaked = [name for name in excluded if any(f == name or f.startswith(name.rstrip("/") + "/") for f in seen)]
    require(not leaked, f"These still reach the builder: {', '.join(leaked)}. Add patterns for them to .dockerignore.")
    return passed(f"The builder receives {len(seen)} files; none of {', '.join(excluded)} among them.")
