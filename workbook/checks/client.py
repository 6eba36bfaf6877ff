"""Checks for notebook 06 (the client): a docker context in a temporary config, calls seen by the proxy."""

from __future__ import annotations

import json
import os
import subprocess

from workbook.api_proxy import RecordingProxy, normalise
from workbook.checks import passed, require
from workbook.docker_config import TempDockerConfig, snapshot
from workbook.engine import engine_address
from workbook.owner import owned


def check_context(config: TempDockerConfig, home_before: dict[str, str], name: str = "wb06-exercise") -> bool:
    """Context ``name`` exists in the temporary DOCKER_CONFIG, points at the local engine; ~/.docker untouched."""
    name = owned(name)
    done = subprocess.run(
        ["docker", "context", "inspect", name],
        capture_output=True,
        text=True,
        env={**os.environ, **config.env},
    )
    require(
        done.returncode == 0,
        f"No context {name} in the temporary config: `docker context create {name} --docker host=…` "
        f"with DOCKER_CONFIG={config.path} ({done.stderr.strip()})",
    )
    host = json.loads(done.stdout)[0]["Endpoints"]["docker"]["Host"]
    engine = engine_address()
    require(host == engine, f"Context {name} points at {host}, not at this engine ({engine}: `engine_address()`).")
    require(
        snapshot() == home_before,
        "Your ~/.docker/config.json or contexts/ changed: pass env=cfg.env (DOCKER_CONFIG) to every command.",
    )
    return passed(f"context {name} points at this engine ({engine}), in the temporary config; ~/.docker unchanged")


def check_calls(proxy: RecordingProxy, my_calls: object) -> bool:
    """``my_calls`` are calls the proxy really recorded, and include the container list."""
    require(
        isinstance(my_calls, list) and bool(my_calls),
        "`my_calls` should be the non-empty list that proxy.take() returned.",
    )
    unknown = [call for call in my_calls if call not in proxy.history]
    require(not unknown, f"These calls never went through the proxy: {unknown[:3]}")
    require(
        "GET /containers/json" in {normalise(call) for call in my_calls},
        "No GET /containers/json among your calls: list the containers through the proxy's socket.",
    )
    return passed("the proxy saw your client's GET /containers/json: the SDK speaks the Engine API")
