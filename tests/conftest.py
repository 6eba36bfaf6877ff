"""Shared fixtures: a client for the real engine, and a label for what the tests make.

`make test` runs the suite on two pytest-xdist workers (`--dist loadfile`: each notebook
and each test file stays on one worker, in order). Each worker's unit tests get a label
of their own, so that one worker's cleanup never removes the other's objects (the
top-level conftest.py gives each worker its own host ports).
"""

from __future__ import annotations

import os

import pytest

import workbook
from workbook.cleanup import remove_labelled
from workbook.engine import connect

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
"""``gw0``, ``gw1``, … under pytest-xdist; empty in a plain run."""
TEST_NOTEBOOK = f"tests-unit-{WORKER}" if WORKER else "tests-unit"


@pytest.fixture(scope="session")
def client():
    """The real engine (setup starts one before the tests)."""
    return connect()


@pytest.fixture
def test_labels(client):
    """Labels for objects a test makes; everything carrying them is removed afterwards."""
    remove_labelled(client, TEST_NOTEBOOK)
    yield {workbook.LABEL: TEST_NOTEBOOK}
    remove_labelled(client, TEST_NOTEBOOK)
