"""Labels during a run: each episode is graded as soon as it ends and stored on its own, then merged.

Per-episode files (labels.d/<episode>.json) make grading resumable: a killed run keeps every label
already earned, and the merged labels.jsonl is rewritten atomically.
"""

from __future__ import annotations

from pathlib import Path

from harvester.atomic import write_atomic
from harvester.errors import TraceError
from harvester.grade import grade_episode
from harvester.grade_run import LABELS, write_labels
from harvester.records import Label
from harvester.task import Task
from harvester.trace import read_trace

PARTS = "labels.d"


def _part(run_dir: Path, trace_path: Path) -> Path:
    return run_dir / PARTS / (trace_path.stem + ".json")


def grade_and_store(config, task: Task, trace_path: Path, client, only_missing: bool = False) -> Label | None:
    """Grade one complete trace (config: RunConfig) and store its label; None for incomplete traces."""
    part = _part(config.run_dir, trace_path)
    if only_missing and part.exists() and part.stat().st_mtime >= trace_path.stat().st_mtime:
        stored = Label.model_validate_json(part.read_bytes())
        if stored.outcome != "infra_error":  # grading that broke is retried on resume
            return stored
    try:
        trace = read_trace(trace_path)
    except TraceError:
        return None
    if trace.end is None:
        return None
    label = grade_episode(trace, task, config.grade_runs, client, config.sandbox)
    part.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(part, label.model_dump_json().encode())
    return label


def merge_labels(run_dir: Path, episode_ids: list[str]) -> list[Label]:
    """Write labels.jsonl from the stored labels of the planned episodes, sorted by episode id."""
    labels = []
    for episode in sorted(episode_ids):
        part = run_dir / PARTS / f"{episode}.json"
        if part.exists():
            labels.append(Label.model_validate_json(part.read_bytes()))
    write_labels(run_dir / LABELS, labels)
    return labels
