"""Grade a whole run from its traces alone and write `labels.jsonl` (sorted, atomic, idempotent)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docker
import orjson

from harvester.atomic import write_atomic
from harvester.errors import ConfigError, TraceError
from harvester.grade import grade_episode
from harvester.records import Label
from harvester.task import Task
from harvester.trace import Trace, read_trace
from sandbox import SandboxConfig, connect

LABELS = "labels.jsonl"


def finished_traces(run_dir: Path, log: Callable[[str], None] = print) -> list[Trace]:
    """Complete traces under run_dir/traces; incomplete and corrupt ones are reported and skipped."""
    found = []
    for path in sorted((run_dir / "traces").glob("*/*.jsonl")):
        try:
            trace = read_trace(path)
        except TraceError as exc:
            log(f"skipped: {exc}")
            continue
        if not trace.complete:
            log(f"skipped: {path}: incomplete trace (no end event)")
            continue
        found.append(trace)
    return found


def grade_run(run_dir: Path, tasks: dict[str, Task], runs: int = 1, concurrency: int = 2,
              client: docker.DockerClient | None = None, sandbox_config: SandboxConfig | None = None,
              log: Callable[[str], None] = print) -> list[Label]:
    """Grade every complete trace of a run; write labels.jsonl sorted by episode id and return the labels."""
    run_dir = Path(run_dir)
    traces = finished_traces(run_dir, log)
    missing = sorted({t.start.task_id for t in traces} - set(tasks))
    if missing:
        raise ConfigError(f"{run_dir}: traces name task(s) not found: {', '.join(missing)}")
    client = client or connect()

    def one(trace: Trace) -> Label:
        return grade_episode(trace, tasks[trace.start.task_id], runs, client, sandbox_config)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        labels = list(pool.map(one, traces))
    labels.sort(key=lambda label: (label.episode_id, label.trace))
    write_labels(run_dir / LABELS, labels)
    return labels


def write_labels(path: Path, labels: list[Label]) -> None:
    """Replace `path` atomically: a reader sees the old file or the new one, never a half-written one."""
    write_atomic(path, b"".join(orjson.dumps(label.model_dump(mode="json")) + b"\n" for label in labels))


def read_labels(path: Path) -> list[Label]:
    """Every label of a labels.jsonl file, in file order."""
    return [Label.model_validate_json(line) for line in path.read_bytes().splitlines() if line.strip()]
