"""Filters: small predicates over (trace facts, label), each returning a reason code or None.

Contract of `filter_run`: every trace file and every label of a run is accounted for exactly once, either
in kept.jsonl or under one reason code in drops.json (the first failing filter, in PREDICATES order, then
dedupe and the per-task cap). Unreadable inputs are reported in one line each and never stop the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

from harvester.atomic import write_atomic
from harvester.canonical import Facts, digest, facts, read_labels, trace_files, truncated
from harvester.errors import ConfigError, TraceError
from harvester.records import DropsReport, KeptEpisode, Label
from harvester.trace import read_trace


class FilterConfig(BaseModel):
    """Which episodes become training data; embedded in the run config as [filters]."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    resolved_only: bool = Field(True, description="Drop episodes whose label is not resolved.")
    drop_tamper: bool = Field(True, description="Drop episodes with a tamper flag (tests edited, history mined).")
    drop_flaky: bool = Field(True, description="Drop episodes whose grading runs disagreed.")
    drop_infra: bool = Field(True, description="Drop episodes hit by an infrastructure failure.")
    require_patch: bool = Field(True, description="Drop episodes whose graded patch is empty.")
    max_repeat: int | None = Field(3, ge=2, description="This many identical actions (tool and arguments) in a "
                                   "row is a loop; None disables.")
    max_turns: int | None = Field(None, ge=1, description="Drop episodes with more model calls; None disables.")
    max_tokens: int | None = Field(32768, ge=1, description="Drop episodes whose exported row (last prompt + "
                                   "reply) has more tokens; None disables.")
    max_malformed_share: float = Field(0.0, ge=0.0, le=1.0, description="Drop episodes where a larger share of "
                                       "tool calls was malformed.")
    per_task_cap: int | None = Field(2, ge=1, description="Keep at most this many episodes per task, shortest "
                                     "first; None disables.")
    dedupe: tuple[Literal["patch", "actions"], ...] = Field(("patch", "actions"), description="Keep one episode "
                                                            "per task for each normalized patch / action sequence.")


Predicate = Callable[[Facts, Label, FilterConfig], str | None]
PREDICATES: tuple[Predicate, ...] = (
    lambda f, lb, c: "incomplete" if f.status is None else None,
    lambda f, lb, c: "infra_error" if c.drop_infra and (f.infra or lb.outcome == "infra_error") else None,
    lambda f, lb, c: "flaky" if c.drop_flaky and (lb.outcome == "flaky" or len(set(lb.runs)) > 1) else None,
    lambda f, lb, c: "tamper" if c.drop_tamper and lb.tamper else None,
    lambda f, lb, c: None if f.status == "finished" else f"{f.status}_stop",
    lambda f, lb, c: "empty_patch" if c.require_patch and not lb.graded_patch.strip() else None,
    lambda f, lb, c: "unresolved" if c.resolved_only and not lb.resolved else None,
    lambda f, lb, c: "malformed_calls" if f.malformed > c.max_malformed_share * f.calls else None,
    lambda f, lb, c: "loop" if c.max_repeat and f.longest_repeat >= c.max_repeat else None,
    lambda f, lb, c: "too_many_turns" if c.max_turns and f.steps > c.max_turns else None,
    lambda f, lb, c: "too_many_tokens" if c.max_tokens and f.tokens > c.max_tokens else None,
)


def first_reason(facts: Facts, label: Label | None, config: FilterConfig) -> str | None:
    """The reason code of the first filter that drops the episode, or None to keep it."""
    if label is None:
        return "unlabeled"
    return next((r for p in PREDICATES if (r := p(facts, label, config))), None)


def is_negative(facts: Facts, label: Label | None) -> bool:
    """A clean unresolved episode: the rejected side of a preference pair."""
    return (label is not None and facts.status is not None and not facts.infra and not label.tamper
            and not label.resolved and label.outcome in ("unresolved", "no_patch")
            and len(set(label.runs)) <= 1 and facts.steps > 0)


def kept_episode(f: Facts, label: Label) -> KeptEpisode:
    return KeptEpisode(episode_id=f.episode_id, task_id=f.task_id, trace=f.trace, model=f.model,
                       outcome=label.outcome, tamper=label.tamper, fail_to_pass=label.fail_to_pass,
                       pass_to_pass=label.pass_to_pass, steps=f.steps, tokens=f.tokens)


def read_facts(run_dir: Path, path: Path, warnings: list[str]) -> Facts | None:
    """Facts of one trace file, or None (with one warning) when it cannot be parsed."""
    rel = path.relative_to(run_dir).as_posix()
    try:
        trace = read_trace(path)
    except TraceError as exc:
        warnings.append(f"{exc}; episode skipped")
        return None
    if truncated(path):
        warnings.append(f"{path}: last line truncated (crash mid-write); episode skipped as incomplete")
    return facts(trace, rel)


def normalize_patch(diff: str) -> str:
    """A diff without index lines, hunk headers (line numbers, function hints) or trailing space, for dedupe."""
    lines = ("@@" if line.startswith("@@") else line.rstrip() for line in diff.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("index "))


def patch_key(label: Label) -> str:
    return digest(normalize_patch(label.graded_patch))


@dataclass
class FilterResult:
    """The kept set, the clean unresolved episodes, and the drops report."""

    kept: list[KeptEpisode]
    negatives: list[KeptEpisode]
    report: DropsReport


def filter_run(run_dir: Path, config: FilterConfig) -> FilterResult:
    """Apply every filter to a run directory; writes nothing (see `write_result`)."""
    if not run_dir.is_dir():
        raise ConfigError(f"{run_dir}: no such run directory")
    warnings: list[str] = []
    labels = read_labels(run_dir, warnings)
    drops: dict[str, dict[str, int]] = {}
    passed: list[tuple[KeptEpisode, str, str]] = []
    negatives: list[KeptEpisode] = []
    seen: set[str] = set()
    for path in trace_files(run_dir):
        seen.add(path.relative_to(run_dir).as_posix())
        f = read_facts(run_dir, path, warnings)
        if f is None:
            _count(drops, path.parent.name, "corrupt_trace")
            continue
        seen.add(f.episode_id)
        label = labels.get(f.episode_id)
        reason = first_reason(f, label, config)
        if reason is None and label is not None:
            passed.append((kept_episode(f, label), patch_key(label), f.actions))
        else:
            _count(drops, f.task_id, reason or "unlabeled")
        if label is not None and is_negative(f, label):
            negatives.append(kept_episode(f, label))
    for episode_id, label in labels.items():
        if episode_id not in seen and label.trace not in seen:  # a corrupt trace is already counted
            warnings.append(f"{run_dir / label.trace}: label of {episode_id} names a missing trace; skipped")
            _count(drops, label.task_id, "missing_trace")
    kept = _select(passed, config, drops)
    return FilterResult(kept, negatives, _report(kept, negatives, drops, warnings))


def _select(passed: list[tuple[KeptEpisode, str, str]], config: FilterConfig,
            drops: dict[str, dict[str, int]]) -> list[KeptEpisode]:
    """Dedupe, then cap per task; shorter episodes win (tokens, then steps, then id)."""
    kept: list[KeptEpisode] = []
    seen: set[tuple[str, str, str]] = set()
    per_task: dict[str, int] = {}
    for episode, patch, actions in sorted(passed, key=lambda p: (p[0].task_id, p[0].tokens, p[0].steps,
                                                                     p[0].episode_id)):
        task = episode.task_id
        keys = {"patch": (task, "patch", patch), "actions": (task, "actions", actions)}
        duplicate = next((kind for kind in config.dedupe if keys[kind] in seen), None)
        if duplicate:
            _count(drops, task, f"duplicate_{duplicate}")
        elif config.per_task_cap is not None and per_task.get(task, 0) >= config.per_task_cap:
            _count(drops, task, "task_cap")
        else:
            seen.update(keys[kind] for kind in config.dedupe)
            per_task[task] = per_task.get(task, 0) + 1
            kept.append(episode)
    for task, n in per_task.items():
        drops.setdefault(task, {})["kept"] = n
    return kept


def _count(drops: dict[str, dict[str, int]], task: str, reason: str) -> None:
    counts = drops.setdefault(task, {})
    counts[reason] = counts.get(reason, 0) + 1


def _report(kept: list[KeptEpisode], negatives: list[KeptEpisode], drops: dict[str, dict[str, int]],
            warnings: list[str]) -> DropsReport:
    by_reason: dict[str, int] = {}
    for counts in drops.values():
        for reason, n in counts.items():
            if reason != "kept":
                by_reason[reason] = by_reason.get(reason, 0) + n
    tokens = sorted(e.tokens for e in kept) or [0]
    lengths = {"min": tokens[0], "p50": tokens[len(tokens) // 2], "p90": tokens[len(tokens) * 9 // 10],
               "max": tokens[-1], **{f"over_{n}": sum(t > n for t in tokens) for n in (1024, 8192, 32768)}}
    return DropsReport(total=len(kept) + sum(by_reason.values()), kept=len(kept), negatives=len(negatives),
                       by_reason=dict(sorted(by_reason.items())), by_task=dict(sorted(drops.items())),
                       lengths=lengths, warnings=warnings)


def write_result(run_dir: Path, result: FilterResult) -> None:
    """kept.jsonl, negatives.jsonl and drops.json, each replaced atomically."""
    for name, episodes in (("kept.jsonl", result.kept), ("negatives.jsonl", result.negatives)):
        write_atomic(run_dir / name, b"".join(orjson.dumps(e.model_dump(mode="json")) + b"\n" for e in episodes))
    write_atomic(run_dir / "drops.json", orjson.dumps(result.report.model_dump(mode="json"), option=orjson.OPT_INDENT_2))


def read_selection(run_dir: Path, name: str) -> list[KeptEpisode]:
    """kept.jsonl or negatives.jsonl as written by `write_result`."""
    with open(run_dir / name, "rb") as lines:
        return [KeptEpisode.model_validate_json(line) for line in lines if line.strip()]
