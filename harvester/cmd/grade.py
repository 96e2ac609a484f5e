"""harvester grade: re-grade a run from its traces alone (no agent needed); rewrites labels.jsonl."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from harvester.errors import ConfigError
from harvester.grade_run import LABELS, finished_traces, grade_run
from harvester.task import TASK_FILE, Task, load_task


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="run directory holding traces/")
    parser.add_argument("--tasks", nargs="+", type=Path, default=[Path("task_repos")], metavar="PATH",
                        help="task directories or directories of tasks (default: task_repos/)")
    parser.add_argument("--grade-runs", type=int, default=1, metavar="N",
                        help="grading runs per episode; runs that disagree label the episode flaky")
    parser.add_argument("--concurrency", type=int, default=2, metavar="N", help="episodes graded at once")


def find_tasks(paths: list[Path], ids: set[str]) -> dict[str, Task]:
    """Load just the tasks named: each path is a task directory or holds <id>/task.toml."""
    tasks: dict[str, Task] = {}
    for path in paths:
        if not path.is_dir():
            raise ConfigError(f"{path}: not a task directory or a directory of tasks")
        candidates = [path] if (path / TASK_FILE).is_file() else [path / i for i in sorted(ids)]
        for candidate in candidates:
            if candidate.name in ids and candidate.name not in tasks and (candidate / TASK_FILE).is_file():
                tasks[candidate.name] = load_task(candidate)
    return tasks


def main(args: argparse.Namespace) -> int:
    if args.grade_runs < 1 or args.concurrency < 1:
        raise ConfigError("--grade-runs and --concurrency must be at least 1")
    if not (args.run_dir / "traces").is_dir():
        raise ConfigError(f"{args.run_dir}: no traces/ directory; not a run directory")
    ids = {trace.start.task_id for trace in finished_traces(args.run_dir, log=lambda _message: None)}
    labels = grade_run(args.run_dir, find_tasks(args.tasks, ids), args.grade_runs, args.concurrency)
    outcomes = Counter(label.outcome for label in labels)
    tampered = sum(bool(label.tamper) for label in labels)
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "nothing to grade"
    print(f"graded {len(labels)} episode(s): {summary}; {tampered} with tamper flags")
    print(f"wrote {args.run_dir / LABELS}")
    return 0
