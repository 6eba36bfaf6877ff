"""Look at pages the way a learner does: headless Chromium renders them, we read the DOM.

Used by the browser checks in tests/ (the static book of `make html` and the JupyterLab of
`make lab`). Chromium is Debian's ``chromium`` package; nothing here installs it. Every run
gets a fresh profile, and name resolution plus a dead proxy keep all traffic on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
QUIET_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    # Only 127.0.0.1 is reachable: other names do not resolve, other addresses go to a dead proxy.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=127.0.0.1:9",
)


def find_chromium() -> str | None:
    """The Chromium binary: ``$WORKBOOK_CHROMIUM`` if set, else the first candidate on PATH."""
    configured = os.environ.get("WORKBOOK_CHROMIUM")
    if configured:
        return shutil.which(configured)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(
    binary: str,
    url: str,
    profile: Path,
    screenshot: Path | None = None,
    budget_ms: int = 25000,
    window: tuple[int, int] = (1280, 900),
) -> list[str]:
    """The command that renders ``url`` and prints its DOM (and saves a screenshot if asked)."""
    command = [binary, *QUIET_FLAGS, f"--user-data-dir={profile}", f"--window-size={window[0]},{window[1]}"]
    if os.geteuid() == 0:
        command.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
    command += [f"--virtual-time-budget={budget_ms}", "--dump-dom"]
    if screenshot is not None:
        command.append(f"--screenshot={screenshot}")
    return [*command, url]


def render(url: str, screenshot: Path | None = None, budget_ms: int = 25000, timeout: float = 180.0) -> str:
    """Render ``url`` in headless Chromium and return the DOM after ``budget_ms`` of virtual time.

    Raises:
        FileNotFoundError: Chromium is not installed.
        RuntimeError: Chromium failed or printed no DOM; the message has its stderr tail.
    """
    binary = find_chromium()
    if binary is None:
        raise FileNotFoundError("Chromium is not installed (Debian: apt-get install chromium)")
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wb-chromium-") as profile:
        command = chromium_command(binary, url, Path(profile), screenshot, budget_ms)
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0 or "<html" not in done.stdout:
        tail = "\n".join(done.stderr.splitlines()[-10:])
        raise RuntimeError(f"Chromium exited {done.returncode} rendering {url}; stderr tail:\n{tail}")
    return done.stdout


class _Headings(HTMLParser):
    """Collects the text of every element of one tag (``h1`` by default)."""

    def __init__(self, tag: str) -> None:
        super().__init__()
        self.tag = tag
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.tag:
            if self.depth == 0:
                self.texts.append("")
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == self.tag and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.texts[-1] += data


def normalise(text: str) -> str:
    """Collapse whitespace, drop permalink signs, undo typographic quotes (Sphinx's smartquotes)."""
    text = text.replace("¶", "").replace("#", "").replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


def headings(html: str, tag: str = "h1") -> list[str]:
    """The normalised text of every ``tag`` element of ``html``."""
    parser = _Headings(tag)
    parser.feed(html)
    return [normalise(text) for text in parser.texts]


def notebook_title(path: Path) -> str:
    """A notebook's title: its first cell's ``# NN — Title`` line, without the ``#``."""
    first = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]
    return normalise(first.lstrip("#"))
