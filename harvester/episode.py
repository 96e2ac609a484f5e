"""One episode of one task: image, container, agent loop, trace file; the container never outlives it."""

from __future__ import annotations

import hashlib
import re
import subprocess
from functools import cache
from pathlib import Path

import docker

from harvester.images import task_image
from harvester.loop import EpisodeContext, LoopConfig, run_episode
from harvester.policies import Policy
from harvester.task import Task, content_hash
from harvester.trace import TraceWriter
from sandbox import LABEL_EPISODE, LABEL_RUN, Sandbox, SandboxConfig, connect

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def episode_id(task_id: str, attempt: int, seed: int) -> str:
    """`<task>.a<attempt>.s<seed>`: the same inputs always give the same id, safe as a file or label name."""
    safe = _UNSAFE.sub("_", task_id).lstrip(".") or "task"
    if safe != task_id:  # keep ids of different raw task ids apart after sanitising
        safe += "-" + hashlib.sha256(task_id.encode()).hexdigest()[:8]
    return f"{safe}.a{attempt}.s{seed}"


def trace_path(run_dir: Path, task_id: str, episode: str) -> Path:
    return run_dir / "traces" / _UNSAFE.sub("_", task_id) / f"{episode}.jsonl"


@cache
def git_revision() -> str | None:
    """Commit of the harvester source tree, when it is a git checkout with commits."""
    root = Path(__file__).resolve().parent
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def run_task_episode(task: Task, policy: Policy, run_dir: Path, run_name: str, attempt: int, seed: int,
                     loop_config: LoopConfig, sandbox_config: SandboxConfig | None = None,
                     client: docker.DockerClient | None = None) -> Path:
    """Run one episode of `task` in a fresh container and return its trace path.

    The trace is written in place (a trace without `end` is incomplete); a stale trace at that path is
    removed first. Infrastructure failures before the loop starts raise; the container is always removed.
    """
    client = client or connect()
    tag = task_image(client, task)
    episode = episode_id(task.id, attempt, seed)
    path = trace_path(Path(run_dir), task.id, episode)
    path.unlink(missing_ok=True)
    ctx = EpisodeContext(episode_id=episode, run=run_name, task_id=task.id, task_hash=content_hash(task),
                         attempt=attempt, seed=seed, image=tag, image_id=client.images.get(tag).id,
                         statement=task.statement, test_command=task.test_command, git_revision=git_revision())
    labels = {LABEL_RUN: run_name, LABEL_EPISODE: episode}
    sandbox = Sandbox.start(tag, labels=labels, config=sandbox_config, client=client)
    try:
        sandbox.mark_baseline()
        with TraceWriter(path) as writer:
            run_episode(ctx, policy, sandbox, writer, loop_config)
    finally:
        sandbox.close()
    return path
