"""The run at a glance: per-task solve rates (pass@1, pass@k), steps, tokens, time, drops, infra errors.

`load_run` joins a run directory's traces and labels by episode; it never raises on a bad trace or label
line (those become warnings), only when the directory itself is missing.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from harvester.atomic import write_atomic
from harvester.canonical import read_labels
from harvester.errors import HarvesterError, TraceError
from harvester.records import DropsReport, Label, Summary, TaskSummary, Usage
from harvester.trace import Trace, read_trace

@dataclass(frozen=True)
class Episode:
    """One episode: its trace (None when unreadable or missing) and its label (None when not graded)."""

    episode_id: str
    task_id: str
    attempt: int
    trace: Trace | None
    label: Label | None

    @property
    def outcome(self) -> str:
        if self.label is not None:
            return self.label.outcome
        if self.trace is None or self.trace.end is None:
            return "incomplete"
        return "infra_error" if self.trace.end.infra_error else "ungraded"

    @property
    def infra(self) -> bool:
        return self.outcome == "infra_error" or bool(self.trace and self.trace.end and self.trace.end.infra_error)

    @property
    def usage(self) -> Usage:
        if self.trace is None:
            return Usage()
        if self.trace.end is not None:
            return self.trace.end.usage
        return sum((e.usage for e in self.trace.model_events), Usage())


@dataclass(frozen=True)
class RunData:
    """Everything a run directory holds that the summary and the report read."""

    run_dir: Path
    config: dict[str, Any]
    episodes: list[Episode]
    drops: DropsReport | None
    exported: int
    warnings: list[str]


def load_run(run_dir: Path) -> RunData:
    """Read config.json, traces/<task>/<episode>.jsonl, labels.jsonl, drops.json and export/sft.openai.jsonl."""
    if not run_dir.is_dir():
        raise HarvesterError(f"{run_dir}: run directory not found")
    warnings: list[str] = []
    config = _read_json(run_dir / "config.json", warnings) or {}
    traces: dict[str, Trace] = {}
    for path in sorted((run_dir / "traces").glob("*/*.jsonl")):
        try:
            trace = read_trace(path)
        except TraceError as exc:
            warnings.append(str(exc))
            continue
        traces[trace.start.episode_id] = trace
    labels = read_labels(run_dir, warnings) if (run_dir / "labels.jsonl").is_file() else {}
    episodes = [_episode(eid, traces.get(eid), labels.get(eid)) for eid in traces.keys() | labels.keys()]
    episodes.sort(key=lambda e: (e.task_id, e.attempt, e.episode_id))
    drops = None
    raw = _read_json(run_dir / "drops.json", warnings)
    if raw is not None:
        try:
            drops = DropsReport.model_validate(raw)
        except ValidationError as exc:
            warnings.append(f"{run_dir / 'drops.json'}: {exc.errors()[0]['msg']}")
    exported = _count_lines(run_dir / "export" / "sft.openai.jsonl")
    return RunData(run_dir, config, episodes, drops, exported, warnings)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from n samples with c correct: 1 - C(n-c, k) / C(n, k), for 1 <= k <= n."""
    if not 1 <= k <= n or not 0 <= c <= n:
        raise ValueError(f"pass@k needs 1 <= k <= n and 0 <= c <= n (n={n}, c={c}, k={k})")
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def summarize(run_dir: Path) -> Summary:
    """Per-task and total figures of a run, recomputed from its files."""
    return summarize_data(load_run(run_dir))


def summarize_data(data: RunData) -> Summary:
    """The summary of an already loaded run directory."""
    by_task: dict[str, list[Episode]] = {}
    for episode in data.episodes:
        by_task.setdefault(episode.task_id, []).append(episode)
    k = int(data.config.get("attempts") or max((len(v) for v in by_task.values()), default=1))
    tasks = {task_id: _task_summary(episodes, k) for task_id, episodes in sorted(by_task.items())}
    rated = [t for t in tasks.values() if t.graded]
    ends = [e.trace.end for e in data.episodes if e.trace and e.trace.end]
    starts = [e.trace.start.ts for e in data.episodes if e.trace]
    prompt = sum(t.prompt_tokens for t in tasks.values())
    completion = sum(t.completion_tokens for t in tasks.values())
    return Summary(
        run=str(data.config.get("name") or data.run_dir.name), policy=data.config.get("policy"),
        model=data.config.get("model"), k=k, episodes=len(data.episodes),
        complete=sum(t.complete for t in tasks.values()), graded=sum(t.graded for t in tasks.values()),
        resolved=sum(t.resolved for t in tasks.values()), exported=data.exported,
        infra_errors=sum(t.infra_errors for t in tasks.values()),
        pass_at_1=_mean([t.pass_at_1 for t in rated]), pass_at_k=_mean([t.pass_at_k for t in rated]),
        prompt_tokens=prompt, completion_tokens=completion, cost=_cost(data.config.get("prices"), prompt, completion),
        episode_wall_s=sum(e.wall_s for e in ends),
        span_s=max(e.ts for e in ends) - min(starts) if ends and starts else 0.0,
        tasks=tasks, kept=data.drops.kept if data.drops else None,
        drops=dict(data.drops.by_reason) if data.drops else {}, warnings=data.warnings)


def write_summary(run_dir: Path) -> Summary:
    """Compute the summary and write run_dir/summary.json (replaced atomically)."""
    summary = summarize(run_dir)
    write_atomic(run_dir / "summary.json", orjson.dumps(summary.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n")
    return summary


def _task_summary(episodes: list[Episode], k: int) -> TaskSummary:
    graded = [e for e in episodes if e.label is not None and not e.infra]
    n, c = len(graded), sum(e.label.resolved for e in graded)
    ends = [e.trace.end for e in episodes if e.trace and e.trace.end]
    infra = [e for e in episodes if e.infra]
    return TaskSummary(
        attempts=len(episodes), complete=len(ends), graded=n, resolved=c,
        pass_at_1=c / n if n else None, pass_at_k=pass_at_k(n, c, min(k, n)) if n else None, k=min(k, n) or k,
        mean_steps=_mean([e.steps for e in ends]),
        prompt_tokens=sum(e.usage.prompt_tokens for e in episodes),
        completion_tokens=sum(e.usage.completion_tokens for e in episodes),
        mean_wall_s=_mean([e.wall_s for e in ends]),
        outcomes=dict(sorted(Counter(e.outcome for e in episodes).items())), infra_errors=len(infra),
        infra_reasons=dict(Counter(_infra_reason(e) for e in infra).most_common()))


def _episode(episode_id: str, trace: Trace | None, label: Label | None) -> Episode:
    task_id = trace.start.task_id if trace else label.task_id  # type: ignore[union-attr]
    return Episode(episode_id, task_id, trace.start.attempt if trace else -1, trace, label)


def _infra_reason(episode: Episode) -> str:
    if episode.label is not None and episode.label.infra_reason:
        return episode.label.infra_reason[:120]
    end = episode.trace.end if episode.trace else None
    return end.reason[:120] if end else "unknown"


def _cost(prices: Any, prompt: int, completion: int) -> float | None:
    if not isinstance(prices, dict):
        return None
    return prompt / 1e6 * float(prices["input_per_mtok"]) + completion / 1e6 * float(prices["output_per_mtok"])


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _read_json(path: Path, warnings: list[str]) -> Any:
    if not path.is_file():
        return None
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        warnings.append(f"{path}: not valid JSON: {exc}")
        return None


def _count_lines(path: Path) -> int:
    if not path.is_file():
        return 0
    return sum(1 for line in path.read_bytes().split(b"\n") if line.strip())


def format_table(summary: Summary) -> str:
    """A plain-text table for the terminal: per task, totals, drops per reason, infrastructure errors."""
    head = ("task", "eps", "graded", "res", "pass@1", f"pass@{summary.k}", "steps", "tok in", "tok out", "wall s", "infra")
    rows = [_row(task_id, t.attempts, t.graded, t.resolved, t.pass_at_1, t.pass_at_k, t.mean_steps,
                 t.prompt_tokens, t.completion_tokens, t.mean_wall_s, t.infra_errors)
            for task_id, t in summary.tasks.items()]
    rows.append(_row("TOTAL", summary.episodes, summary.graded, summary.resolved, summary.pass_at_1,
                     summary.pass_at_k, None, summary.prompt_tokens, summary.completion_tokens, None,
                     summary.infra_errors))
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    rule = "-" * len(fmt(head))
    lines = [f"run {summary.run}: policy {summary.policy or '?'}, model {summary.model or '?'}, k={summary.k}",
             fmt(head), rule, *map(fmt, rows[:-1]), rule, fmt(rows[-1]), ""]
    cost = f", cost ${summary.cost:.4f}" if summary.cost is not None else ""
    lines.append(f"episodes {summary.episodes} (complete {summary.complete}, graded {summary.graded}), "
                 f"resolved {summary.resolved}, kept {'-' if summary.kept is None else summary.kept}, "
                 f"exported {summary.exported}; tokens {_tokens(summary.prompt_tokens)} in / "
                 f"{_tokens(summary.completion_tokens)} out{cost}; episode time {summary.episode_wall_s:.1f}s, "
                 f"span {summary.span_s:.1f}s")
    drops = ", ".join(f"{reason} {n}" for reason, n in sorted(summary.drops.items(), key=lambda x: -x[1]))
    lines.append(f"drops: {drops or 'none'}")
    for task_id, t in summary.tasks.items():
        lines += [f"infra error: {task_id}: {n}x {reason}" for reason, n in t.infra_reasons.items()]
    lines += [f"warning: {w}" for w in summary.warnings]
    return "\n".join(lines)


def _row(name: str, eps: int, graded: int, res: int, p1: float | None, pk: float | None, steps: float | None,
         tok_in: int, tok_out: int, wall: float | None, infra: int) -> tuple[str, ...]:
    num = lambda v, f: "-" if v is None else format(v, f)
    return (name, str(eps), str(graded), str(res), num(p1, ".2f"), num(pk, ".2f"), num(steps, ".1f"),
            _tokens(tok_in), _tokens(tok_out), num(wall, ".1f"), str(infra))


def _tokens(n: int) -> str:
    return f"{n / 1e6:.2f}M" if n >= 1e6 else f"{n / 1e3:.1f}k" if n >= 1e4 else str(n)
