"""harvester tasks: validate task directories, import SWE-bench instances as tasks."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from harvester.swebench import DEFAULT_GIT_URL, SWEBenchError, import_instance, read_instances
from harvester.task import TASK_FILE, Task, TaskError, load_task
from harvester.validate import Verdict, validate_tasks


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="tasks_command", required=True)
    check = sub.add_parser("validate", help="check that tasks are well-formed (runs their tests in containers)")
    check.add_argument("paths", nargs="*", type=Path, help="task dirs or dirs of tasks (default: task_repos/)")
    check.add_argument("--runs", type=int, default=3, help="pytest runs per phase; disagreeing runs = flaky")
    check.add_argument("--concurrency", type=int, default=2, help="tasks validated at once")
    imp = sub.add_parser("import-swebench", help="turn SWE-bench instances (JSONL) into task directories")
    imp.add_argument("file", type=Path, help="JSONL file, one instance per line")
    imp.add_argument("--repos", type=Path, required=True, help="dir of local clones (owner__name or name)")
    imp.add_argument("--out", type=Path, default=Path("task_repos"), help="where task dirs are written")
    imp.add_argument("--git-url", default=DEFAULT_GIT_URL, help="clone URL template for missing repos ({repo})")
    imp.add_argument("--force", action="store_true", help="replace task dirs that already exist")


def main(args: argparse.Namespace) -> int:
    if args.tasks_command == "validate":
        return _validate(args)
    return _import(args)


def _load(paths: list[Path]) -> tuple[list[Task], list[Verdict]]:
    """Tasks that load, and a verdict for each that does not (its one-line error)."""
    tasks: list[Task] = []
    broken: list[Verdict] = []
    for path in paths:
        if not path.is_dir():
            raise NotADirectoryError(f"{path}: not a task directory or a directory of tasks")
        dirs = [path] if (path / TASK_FILE).is_file() else sorted(
            child for child in path.iterdir() if (child / TASK_FILE).is_file())
        for task_dir in dirs:
            try:
                tasks.append(load_task(task_dir))
            except TaskError as exc:
                print(f"harvester tasks validate: error: {exc}", file=sys.stderr)
                broken.append(Verdict(task_id=task_dir.name, ok=False, reason=str(exc), seconds=0.0))
    return tasks, broken


def _progress(total: int):
    done = []

    def report(verdict: Verdict) -> None:
        done.append(verdict)
        status = "ok" if verdict.ok else "invalid"
        print(f"[{len(done)}/{total}] {verdict.task_id}: {status} ({verdict.seconds:.1f}s)", file=sys.stderr,
              flush=True)
    return report


def _table(verdicts: list[Verdict]) -> str:
    width = max([len("task")] + [len(v.task_id) for v in verdicts])
    rows = [f"{'task':<{width}}  {'status':<7}  {'time':>7}  reason"]
    for v in verdicts:
        rows.append(f"{v.task_id:<{width}}  {'ok' if v.ok else 'invalid':<7}  {v.seconds:>6.1f}s  {v.reason}")
    for v in verdicts:
        rows += [f"  {v.task_id}: {detail}" for detail in v.details[1:]]
    return "\n".join(rows)


def _validate(args: argparse.Namespace) -> int:
    started = time.monotonic()
    paths = args.paths or [Path("task_repos")]
    tasks, broken = _load(paths)
    if not tasks and not broken:
        raise FileNotFoundError(f"no tasks (dirs with {TASK_FILE}) under {', '.join(map(str, paths))}")
    verdicts = validate_tasks(tasks, args.runs, args.concurrency, on_done=_progress(len(tasks))) if tasks else []
    verdicts = sorted(verdicts + broken, key=lambda v: v.task_id)
    print(_table(verdicts))
    invalid = sum(not v.ok for v in verdicts)
    print(f"{len(verdicts)} task(s): {len(verdicts) - invalid} ok, {invalid} invalid;"
          f" wall time {time.monotonic() - started:.1f}s (concurrency {args.concurrency}, {args.runs} runs)")
    return 1 if invalid else 0


def _import(args: argparse.Namespace) -> int:
    failed = 0
    for line, instance in read_instances(args.file):
        where = f"{args.file}:{line}"
        try:
            path = import_instance(instance, args.repos, args.out, where, args.git_url, args.force)
        except SWEBenchError as exc:
            failed += 1
            print(f"harvester tasks import-swebench: error: {exc}", file=sys.stderr)
            continue
        print(f"{instance.instance_id} -> {path}")
    return 1 if failed else 0
