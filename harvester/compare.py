"""Compare two runs: per-task solve rate (resolved / graded) in A and B and the change, with totals."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harvester.errors import HarvesterError
from harvester.records import Summary
from harvester.summary import load_run, summarize_data


@dataclass(frozen=True)
class TaskChange:
    """One task's (resolved, graded) in each run; None when the run has no graded episode of it."""

    task_id: str
    a: tuple[int, int] | None
    b: tuple[int, int] | None

    @property
    def delta(self) -> float | None:
        if self.a is None or self.b is None:
            return None
        return _rate(self.b) - _rate(self.a)


@dataclass(frozen=True)
class Comparison:
    """Per-task changes between run A and run B."""

    a: Summary
    b: Summary
    tasks: list[TaskChange]

    @property
    def common(self) -> list[TaskChange]:
        return [t for t in self.tasks if t.delta is not None]


def graded_summary(run_dir: Path) -> Summary:
    """The summary of a run that has labels; HarvesterError (one line) otherwise."""
    run = load_run(run_dir)
    if not any(e.label is not None for e in run.episodes):
        raise HarvesterError(f"{run_dir}: no labels in labels.jsonl (grade the run first)")
    return summarize_data(run)


def compare(run_a: Path, run_b: Path) -> Comparison:
    """Solve rates of every task graded in either run."""
    a, b = graded_summary(run_a), graded_summary(run_b)
    counts = lambda s, t: (s.tasks[t].resolved, s.tasks[t].graded) if t in s.tasks and s.tasks[t].graded else None
    ids = sorted(a.tasks.keys() | b.tasks.keys())
    return Comparison(a, b, [TaskChange(t, counts(a, t), counts(b, t)) for t in ids])


def format_comparison(comparison: Comparison) -> str:
    """A plain-text table: task, A, B, change; then totals over common tasks and over all graded episodes."""
    a, b = comparison.a, comparison.b
    rows = [(t.task_id, _cell(t.a), _cell(t.b), _change(t)) for t in comparison.tasks]
    common = comparison.common
    if common:
        mean_a = sum(_rate(t.a) for t in common) / len(common)  # type: ignore[arg-type]
        mean_b = sum(_rate(t.b) for t in common) / len(common)  # type: ignore[arg-type]
        rows.append((f"mean over {len(common)} common", f"{mean_a:.2f}", f"{mean_b:.2f}", f"{mean_b - mean_a:+.2f}"))
    all_a, all_b = (a.resolved, a.graded), (b.resolved, b.graded)
    rows.append(("all graded episodes", _cell(all_a), _cell(all_b),
                 f"{_rate(all_b) - _rate(all_a):+.2f}" if a.graded and b.graded else "-"))
    head = ("task", f"A: {a.run}", f"B: {b.run}", "change")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    rule = "-" * len(fmt(head))
    n_total = len(rows) - len(comparison.tasks)
    better = sum(1 for t in common if t.delta > 0)  # type: ignore[operator]
    worse = sum(1 for t in common if t.delta < 0)  # type: ignore[operator]
    lines = [f"A = {a.run} ({a.model or '?'}), B = {b.run} ({b.model or '?'}); solve rate = resolved/graded",
             fmt(head), rule, *map(fmt, rows[:-n_total]), rule, *map(fmt, rows[-n_total:]),
             f"improved {better}, regressed {worse}, unchanged {len(common) - better - worse}"]
    return "\n".join(lines)


def _rate(counts: tuple[int, int]) -> float:
    return counts[0] / counts[1] if counts[1] else 0.0


def _cell(counts: tuple[int, int] | None) -> str:
    return "-" if counts is None else f"{counts[0]}/{counts[1]} {_rate(counts):.2f}"


def _change(t: TaskChange) -> str:
    if t.delta is not None:
        return f"{t.delta:+.2f}"
    return "only in A" if t.b is None and t.a is not None else "only in B" if t.a is None and t.b is not None else "-"
