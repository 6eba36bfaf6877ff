"""Browser checks (issue 10): the static book of `make html` and the JupyterLab of `make lab`,
looked at in headless Chromium as a learner would.

Chromium comes from the system (Debian: `apt-get install chromium`); these tests install
nothing. Without it they are skipped on a learner's machine and fail in CI (``CI`` set).
All traffic stays on 127.0.0.1: the book is read from files, JupyterLab listens on loopback.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import requests

from workbook import browser
from workbook.ports import any_free_port
from workbook.web import wait_for_http

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "book" / "_build" / "html"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
SCREENSHOTS = ROOT / ".workbook" / "browser"
BOOK_TITLE = "Ship a Flask service with Docker"
NEWS_PROMPT = "official Jupyter news"


def unavailable(reason: str) -> NoReturn:
    """Skip for a learner, fail in CI: CI must run the browser checks."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser checks must run here)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    found = browser.find_chromium()
    if found is None:
        unavailable(
            "Chromium is not installed: these optional checks look at the book and JupyterLab in a "
            "real browser (Debian/Ubuntu: sudo apt-get install chromium)"
        )
    return found


@pytest.fixture(scope="module")
def site(chromium) -> Path:
    if not (SITE / "index.html").exists():
        unavailable("The book is not built: run `make html` first (make test does it)")
    return SITE


def test_book_index_lists_every_notebook(site):
    dom = browser.render((site / "index.html").as_uri(), budget_ms=5000)
    assert BOOK_TITLE in browser.headings(dom)
    links = browser.headings(dom, "a")
    missing = [browser.notebook_title(p) for p in NOTEBOOKS if browser.notebook_title(p) not in links]
    assert not missing, f"the index page does not link to {missing}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_book_page_shows_title(site, notebook):
    page = site / "notebooks" / f"{notebook.stem}.html"
    assert page.exists(), f"{page} is missing: run `make html`"
    dom = browser.render(page.as_uri(), budget_ms=5000)
    title = browser.notebook_title(notebook)
    assert title in browser.headings(dom), f"{page.name}: no heading '{title}'"
    links = browser.headings(dom, "a")
    unlisted = [browser.notebook_title(p) for p in NOTEBOOKS if browser.notebook_title(p) not in links]
    assert not unlisted, f"{page.name}: the navigation does not list {unlisted} (rebuild: make html)"


def test_book_search_finds_a_notebook(site):
    registry = next(p for p in NOTEBOOKS if p.stem.endswith("-registry"))
    dom = browser.render((site / "search.html").as_uri() + "?q=registry", budget_ms=10000)
    assert browser.notebook_title(registry) in browser.headings(dom, "a"), "search found no registry page"


@pytest.fixture
def jupyterlab(chromium) -> Iterator[str]:
    """`make lab`'s JupyterLab on a free loopback port with a token; yields its base URL with the token."""
    overrides = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    if not overrides.exists():
        unavailable(f"{overrides} is missing: `make lab` (and `make test`) write it")
    port, token = any_free_port(), secrets.token_hex(16)
    state = Path(tempfile.mkdtemp(prefix="wb-lab-"))
    # Never save the committed notebook while looking at it.
    docmanager = state / "settings" / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),  # a learner's first start: nothing chosen yet
        "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--no-browser",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={ROOT}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (state / "lab.log").open("w")
    lab = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"

        def still_running() -> str | None:
            return None if lab.poll() is None else (state / "lab.log").read_text()[-2000:]

        wait_for_http(f"{base}/api/status?token={token}", timeout=90, interval=0.5, still_running=still_running)
        yield f"{base}|{token}"
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait()
        log.close()
        shutil.rmtree(state, ignore_errors=True)


def test_jupyterlab_opens_the_setup_notebook(jupyterlab):
    base, token = jupyterlab.split("|")
    settings = requests.get(
        f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification", params={"token": token}, timeout=10
    ).json()
    # The overrides file sets the defaults JupyterLab serves: never fetch news, never check for updates.
    defaults = {name: spec["default"] for name, spec in settings["schema"]["properties"].items()}
    assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False, json.dumps(defaults)
    shot = SCREENSHOTS / "jupyterlab.png"
    dom = browser.render(f"{base}/lab/tree/notebooks/00-setup.ipynb?token={token}", screenshot=shot)
    title = browser.notebook_title(ROOT / "notebooks" / "00-setup.ipynb")
    assert title in browser.headings(dom), f"JupyterLab shows no heading '{title}' (screenshot: {shot})"
    assert NEWS_PROMPT not in dom, f"JupyterLab asks about news (screenshot: {shot})"
    assert shot.stat().st_size > 10_000, f"{shot} looks empty"
