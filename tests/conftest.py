"""Shared fixtures: a real Docker daemon and the base image are required (no skipping)."""

from __future__ import annotations

import os

import pytest

from sandbox import connect
from sandbox.images import ensure_base_image

# A sample project that tests seed tasks from; its own suite runs only inside containers.
collect_ignore = ["seed_project"]


@pytest.fixture(scope="session")
def docker_client():
    try:
        return connect()
    except Exception as exc:  # fail loudly: these tests need a real daemon
        pytest.fail(f"a running Docker daemon is required: {exc}")


@pytest.fixture(scope="session")
def base_image(docker_client) -> str:
    return ensure_base_image(docker_client)


@pytest.fixture(scope="session", autouse=True)
def _sweep_leftovers():
    """In CI, remove test containers a crashed earlier test run left (never in a shared dev box)."""
    if os.environ.get("CI"):
        for container in connect().containers.list(all=True, filters={"label": "harvester.run"}):
            if container.labels.get("harvester.run", "").startswith("test"):
                container.remove(force=True)
    yield
