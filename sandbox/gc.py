"""Remove leftover containers by label, never by name."""

from __future__ import annotations

import docker
import docker.errors

from sandbox.container import LABEL_RUN, connect


def gc(run: str | None = None, client: docker.DockerClient | None = None) -> int:
    """Remove every container labelled by harvester (or by one run); returns how many."""
    client = client or connect()
    label = LABEL_RUN if run is None else f"{LABEL_RUN}={run}"
    removed = 0
    for container in client.containers.list(all=True, filters={"label": label}):
        try:
            container.remove(force=True)
            removed += 1
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as exc:
            if "already in progress" not in str(exc):
                raise
    return removed
