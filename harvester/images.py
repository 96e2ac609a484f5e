"""Task images: base, then the task's dependency layer, then its buggy repo with one baseline commit."""

from __future__ import annotations

import hashlib
import tempfile
import threading
from pathlib import Path

import docker

from harvester.task import Task, content_hash, materialize_repo
from sandbox.images import BaseImageConfig, build_layer, ensure_base_image, image_exists
from sandbox.wheels import ensure_env_image

REPO = "/repo"
CACHE_DIR = Path.home() / ".cache" / "harvester"
_COMMIT = ("cd /repo && git init -q && git add -A && GIT_AUTHOR_DATE=2000-01-01T00:00:00Z"
           " GIT_COMMITTER_DATE=2000-01-01T00:00:00Z git commit -q --allow-empty -m baseline")
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def task_tag(task: Task, env_tag: str) -> str:
    """Keyed by the task's content and the image it builds on, so a new base rebuilds every task."""
    key = hashlib.sha256(f"{content_hash(task)}|{env_tag}".encode()).hexdigest()[:16]
    return f"harvester-task:{task.id[:80]}-{key}"


def _lock(key: str) -> threading.Lock:
    with _guard:
        return _locks.setdefault(key, threading.Lock())


def task_image(client: docker.DockerClient, task: Task, base: BaseImageConfig | None = None,
               cache_dir: Path = CACHE_DIR, log=print) -> str:
    """Build (once per content hash) and return the image an episode of `task` starts from."""
    with _lock("base"):
        base_tag = ensure_base_image(client, base, log)
    env = task.environment
    with _lock("env:" + "|".join(env.dependencies + env.setup)):
        env_tag = ensure_env_image(client, base_tag, env.dependencies, env.setup, cache_dir, env.python)
    tag = task_tag(task, env_tag)
    with _lock(tag):
        if image_exists(client, tag):
            return tag
        with tempfile.TemporaryDirectory(prefix="harvester-repo-") as tmp:
            repo = Path(tmp) / "repo"
            materialize_repo(task, repo)
            return build_layer(client, env_tag, tag, {"repo": repo}, [_COMMIT])
