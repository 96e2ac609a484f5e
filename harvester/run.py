"""A whole run: plan episodes, run them in a bounded pool, grade, filter, export, summarize, report.

Resumable: episode ids are deterministic, a trace with an `end` event is kept unless it ended on an
infrastructure error, and everything else is rerun into the same file.
"""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import orjson

from harvester.atomic import write_atomic
from harvester.config import RunConfig, check_endpoint, public_dump
from harvester.episode import episode_id, run_task_episode, trace_path
from harvester.errors import ConfigError, HarvesterError, TraceError
from harvester.gate import Gate
from harvester.images import task_image
from harvester.labels import grade_and_store, merge_labels
from harvester.policies.build import make_policy
from harvester.progress import Progress
from harvester.task import Task, discover
from harvester.trace import read_trace
from sandbox import SandboxError, connect, gc


@dataclass(frozen=True)
class Planned:
    """One episode of the run."""

    task: Task
    attempt: int
    seed: int
    episode_id: str
    trace: Path


def plan(config: RunConfig, tasks: list[Task]) -> list[Planned]:
    out = []
    for task in tasks:
        for attempt in range(config.attempts):
            seed = config.seed + attempt
            eid = episode_id(task.id, attempt, seed)
            out.append(Planned(task, attempt, seed, eid, trace_path(config.run_dir, task.id, eid)))
    return out


def needs_run(trace_path: Path) -> bool:
    """Missing, incomplete, corrupt, or ended by an infrastructure error."""
    if not trace_path.exists():
        return True
    try:
        trace = read_trace(trace_path)
    except TraceError:
        return True
    return trace.end is None or trace.end.infra_error


def write_json(path: Path, data) -> None:
    write_atomic(path, orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))


def run(config: RunConfig, log=print) -> Path:
    """Execute (or resume) a run; returns its directory."""
    tasks = discover(config.tasks)
    check_endpoint(config)
    client = connect()
    run_dir = config.run_dir
    _check_same_run(config)
    run_dir.mkdir(parents=True, exist_ok=True)
    write_json(run_dir / "config.json", public_dump(config))
    leftovers = gc(config.name, client)
    if leftovers:
        log(f"removed {leftovers} container(s) left by an earlier, interrupted run")
    episodes = plan(config, tasks)
    todo = [p for p in episodes if needs_run(p.trace)]
    log(f"run {config.name}: {len(tasks)} task(s), {len(episodes)} episode(s), {len(todo)} to run"
        f" with policy {config.policy} ({config.model}), concurrency {config.concurrency}")
    for task in sorted({p.task.id: p.task for p in episodes}.values(), key=lambda t: t.id):
        task_image(client, task, log=log)
    _execute(config, todo, episodes, client, log)
    merge_labels(run_dir, [p.episode_id for p in episodes])
    _finish(config, log)
    return run_dir


# What an episode means: a resumed run must not mix episodes made under different settings.
_EPISODE_KEYS = ("policy", "model", "base_url", "seed", "sampling", "loop")


def _check_same_run(config: RunConfig) -> None:
    path = config.run_dir / "config.json"
    if not path.is_file():
        return
    try:
        before = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError:
        raise ConfigError(f"{path}: not valid JSON; move the run directory aside or pick another --name") from None
    now = public_dump(config)
    for key in _EPISODE_KEYS:
        if before.get(key) != now[key]:
            raise ConfigError(f"{path}: field '{key}' differs from this command's ({before.get(key)!r} vs "
                              f"{now[key]!r}); resume needs the same settings: pick another --name for a new run")


def _execute(config: RunConfig, todo: list[Planned], episodes: list[Planned], client, log) -> None:
    gate, stop = Gate(config.model_concurrency), threading.Event()
    progress = Progress(len(episodes), config.concurrency)
    progress.done = len(episodes) - len(todo)
    pending = {p.episode_id for p in todo}
    ungraded = [p for p in episodes if p.episode_id not in pending]
    pool = ThreadPoolExecutor(config.concurrency, thread_name_prefix="episode")
    futures: set[Future] = set()
    try:
        for p in ungraded:
            label = grade_and_store(config, p.task, p.trace, client, only_missing=True)
            progress.resolved += bool(label and label.resolved)
        queue = list(todo)
        while queue or futures:
            while queue and len(futures) < config.concurrency and not _over_budget(config, progress, log):
                futures.add(pool.submit(_episode, config, queue.pop(0), gate, client, progress, stop))
            if not futures:
                break
            done, futures = wait(futures, return_when=FIRST_COMPLETED)
            for f in done:
                f.result()
    except KeyboardInterrupt:
        log("\ninterrupted: stopping running episodes; rerun the same command to resume")
        stop.set()
        gc(config.name, client)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        progress.close()


def _over_budget(config: RunConfig, progress: Progress, log) -> bool:
    if config.token_budget is None or progress.tokens < config.token_budget:
        return False
    log(f"run token budget of {config.token_budget:,} reached ({progress.tokens:,} used): no new episodes")
    return True


def _episode(config: RunConfig, p: Planned, gate: Gate, client, progress: Progress, stop: threading.Event) -> None:
    if stop.is_set():
        return
    progress.started()
    t0 = time.monotonic()
    try:
        policy = make_policy(config, p, gate)
        run_task_episode(p.task, policy, config.run_dir, config.name, p.attempt, p.seed, config.loop,
                         sandbox_config=config.sandbox, client=client)
    except (SandboxError, HarvesterError) as exc:
        print(f"{p.episode_id}: infrastructure error, will be rerun on resume: {exc}", file=sys.stderr)
        progress.finished(p.episode_id, "infra_error", 0, time.monotonic() - t0)
        return
    trace = read_trace(p.trace)
    label = grade_and_store(config, p.task, p.trace, client) if not stop.is_set() else None
    outcome = label.outcome if label else "interrupted"
    progress.finished(p.episode_id, outcome, trace.end.usage.total_tokens if trace.end else 0, time.monotonic() - t0)


def _finish(config: RunConfig, log) -> None:
    from harvester.export.driver import export_run
    from harvester.filters import filter_run, write_result
    from harvester.report import write_report
    from harvester.summary import format_table, write_summary

    run_dir = config.run_dir
    write_result(run_dir, filter_run(run_dir, config.filters))
    for warning in export_run(run_dir).warnings:
        log(f"export: {warning}")
    summary = write_summary(run_dir)
    write_report(run_dir)
    log(format_table(summary))
    log(f"training files: {run_dir / 'export'}/  report: {run_dir / 'report.html'}")
