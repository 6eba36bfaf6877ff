"""workbook.browser without a browser: the command line, headings and titles."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from workbook import browser


def test_command_keeps_traffic_on_loopback(tmp_path):
    command = browser.chromium_command("chromium", "file:///x.html", tmp_path / "p", screenshot=tmp_path / "s.png")
    assert command[0] == "chromium" and command[-1] == "file:///x.html"
    assert "--headless" in command and "--dump-dom" in command
    assert f"--user-data-dir={tmp_path / 'p'}" in command and f"--screenshot={tmp_path / 's.png'}" in command
    assert "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" in command
    assert "--proxy-server=127.0.0.1:9" in command


def test_headings_normalise_anchors_and_quotes():
    html = "<h1>08 — Compose: the article\u2019s stack<a class='headerlink'>#</a></h1><h2>x</h2><h1> 01 —\n Flask¶</h1>"
    assert browser.headings(html) == ["08 — Compose: the article's stack", "01 — Flask"]
    assert browser.headings("<p><a href='a'>one</a> <a>two</a></p>", "a") == ["one", "two"]


def test_notebook_title(tmp_path):
    path = Path(tmp_path / "99-tiny.ipynb")
    nbformat.write(new_notebook(cells=[new_markdown_cell("# 99 — Tiny title\n\nmore")]), path)
    assert browser.notebook_title(path) == "99 — Tiny title"
