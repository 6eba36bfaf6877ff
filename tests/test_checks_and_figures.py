import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from flask import Flask

from workbook.checks.flask_app import check_greeting_app, check_running_server
from workbook.checks.setup import check_storage_driver
from workbook.engine import describe
from workbook.errors import CheckFailed
from workbook.figures import architecture_svg


def test_greeting_check_accepts_a_right_app_and_explains_a_wrong_one(capsys):
    good = Flask("good")
    good.add_url_rule("/hello/<name>", "hello", lambda name: f"Hello, {name}!")
    assert check_greeting_app(good)
    assert capsys.readouterr().out.startswith("✓")

    wrong = Flask("wrong")
    wrong.add_url_rule("/hello/<name>", "hello", lambda name: f"Hi {name}")
    with pytest.raises(CheckFailed, match="answered 'Hi Ada'; expected 'Hello, Ada!'"):
        check_greeting_app(wrong)
    with pytest.raises(CheckFailed, match="must be a Flask application"):
        check_greeting_app("not an app")


def test_running_server_check_notices_an_exited_process():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    process.log_path = "/nowhere.log"
    with pytest.raises(CheckFailed, match="The server exited"):
        check_running_server(process, 5000)


def test_storage_driver_check(client):
    with pytest.raises(CheckFailed, match="daemon says otherwise"):
        check_storage_driver(client, "vfs-or-something")
    assert check_storage_driver(client, client.info()["Driver"])


def test_architecture_picture_is_valid_svg_with_this_machines_facts(client):
    facts = describe(client)
    svg = architecture_svg(facts, ["python:3.12-slim"])
    root = ET.fromstring(svg)
    texts = [el.text for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert f"Engine {facts.server_version}" in texts and "python:3.12-slim" in texts
    assert f"REST API {facts.negotiated_api}" in texts
