"""Tests of the Compose plugin install in workbook.setup."""

from __future__ import annotations

import os

from workbook.setup import bundled_compose_binary, install_plugin, is_python_wrapper

WRAPPER = """#!/venv/bin/python3
# -*- coding: utf-8 -*-
import re
import sys
from compose import docker_compose
if __name__ == '__main__':
    sys.exit(docker_compose())
"""


def test_the_wheels_wrapper_is_recognised(tmp_path):
    wrapper = tmp_path / "docker-compose"
    wrapper.write_text(WRAPPER)
    assert is_python_wrapper(wrapper)
    other = tmp_path / "other"
    other.write_bytes(b"\x7fELF\x02\x01\x01" + b"\0" * 100)
    assert not is_python_wrapper(other)
    assert not is_python_wrapper(tmp_path / "missing")


def test_the_bundled_binary_is_the_executable_not_the_wrapper():
    binary = bundled_compose_binary()
    assert binary is not None and binary.read_bytes()[:4] == b"\x7fELF"
    assert not is_python_wrapper(binary)


def test_install_plugin_replaces_a_file_atomically(tmp_path):
    source = tmp_path / "compose-binary"
    source.write_bytes(b"new")
    target_dir = tmp_path / "plugins"
    target_dir.mkdir()
    (target_dir / "docker-compose").write_text(WRAPPER)
    installed = install_plugin(source, target_dir)
    assert installed.read_bytes() == b"new" and os.access(installed, os.X_OK)
    assert sorted(p.name for p in target_dir.iterdir()) == ["docker-compose"]
