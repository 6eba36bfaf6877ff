"""Checks for the exercises of notebook 01 (the Flask app)."""

from __future__ import annotations

import subprocess

import requests
from flask import Flask

from workbook.checks import passed, require
from workbook.errors import CheckFailed


def check_greeting_app(app: object) -> bool:
    """``app`` must be a Flask app answering GET /hello/<name> with 'Hello, <name>!'."""
    require(isinstance(app, Flask), "`greeting_app` must be a Flask application: `greeting_app = Flask(__name__)`.")
    client = app.test_client()
    for name in ("Ada", "Grace"):
        response = client.get(f"/hello/{name}")
        require(response.status_code == 200, f"GET /hello/{name} answered {response.status_code}; add the route.")
        require(
            response.text == f"Hello, {name}!",
            f"GET /hello/{name} answered {response.text!r}; expected {f'Hello, {name}!'!r}.",
        )
    return passed("GET /hello/<name> greets by name")


def check_running_server(process: object, port: object) -> bool:
    """``process`` must be a running server that answers 'Hello World!' on 127.0.0.1:``port``."""
    require(isinstance(process, subprocess.Popen), "Keep what `nb.start_process(...)` returned in `my_server`.")
    require(process.poll() is None, f"The server exited (status {process.poll()}); read its log at {process.log_path}.")
    require(isinstance(port, int), "Keep the port from `nb.port(...)` in `my_port`.")
    try:
        response = requests.get(f"http://127.0.0.1:{port}/", timeout=5)
    except requests.RequestException as error:
        raise CheckFailed(
            f"Nothing answers on 127.0.0.1:{port} ({type(error).__name__}): did you pass --port {port}?"
        ) from None
    require(response.text == "Hello World!", f"127.0.0.1:{port} answered {response.text!r}, not the workbook's app.")
    return passed(f"your development server answers Hello World! on port {port}")
