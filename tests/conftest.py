"""Shared fixtures: a client for the real engine, and a label for what the tests make."""

from __future__ import annotations

import pytest

import workbook
from workbook.cleanup import remove_labelled
from workbook.engine import connect

TEST_NOTEBOOK = "tests-unit"


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
