"""`export_run`: kept episodes to training files, one trace in memory at a time (two for a preference pair).

Contract: every row written equals the canonical record of its trace rewritten for the target; an episode
that cannot be read or represented is skipped with one warning line, and everything else is exported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

from harvester.canonical import Canonical, sft_record
from harvester.errors import ConfigError, TraceError
from harvester.export import Unrepresentable, dpo, hf, openai, sharegpt, text
from harvester.export.meta import ExportFiles
from harvester.filters import FilterConfig, filter_run, read_selection, write_result
from harvester.records import KeptEpisode
from harvester.trace import read_trace

Format = Literal["openai", "hf", "sharegpt", "text", "dpo-openai", "dpo-trl"]
FORMATS: tuple[Format, ...] = ("openai", "hf", "sharegpt", "text", "dpo-openai", "dpo-trl")
SFT: dict[str, tuple[str, Callable[[Canonical], dict[str, Any]]]] = {
    "openai": (openai.FILE, openai.sft_row), "hf": (hf.FILE, hf.sft_row),
    "sharegpt": (sharegpt.FILE, sharegpt.sft_row), "text": (text.FILE, text.sft_row),
}
DPO: dict[str, tuple[str, Callable[[dpo.Pair], dict[str, Any]]]] = {
    "dpo-openai": (dpo.OPENAI_FILE, dpo.openai_row), "dpo-trl": (dpo.TRL_FILE, dpo.trl_row),
}


class ExportConfig(BaseModel):
    """What `harvester export` writes; embedded in the run config as [export]."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    formats: tuple[Format, ...] = Field(FORMATS, description="Targets to write.")
    dpo_pairs_per_task: int = Field(2, ge=0, description="At most this many preference pairs per task.")
    dataset_name: str = Field("harvester", description="Dataset name in dataset_info.json (LLaMA-Factory).")


@dataclass
class ExportResult:
    """Rows written per file, and one line per skipped episode or row."""

    out_dir: Path
    rows: dict[str, int]
    warnings: list[str]


def export_run(run_dir: Path, config: ExportConfig | None = None, filters: FilterConfig | None = None,
               out_dir: Path | None = None) -> ExportResult:
    """Export a filtered run; runs the filters first when `filters` is given or kept.jsonl is missing."""
    config = config or ExportConfig()
    if not run_dir.is_dir():
        raise ConfigError(f"{run_dir}: no such run directory")
    warnings: list[str] = []
    kept, negatives = _selection(run_dir, filters, warnings)
    out_dir = out_dir or run_dir / "export"
    names = [SFT[f][0] for f in config.formats if f in SFT] + [DPO[f][0] for f in config.formats if f in DPO]
    pairs = _Pairing(run_dir, negatives, config, warnings)
    with ExportFiles(out_dir, names) as files:
        for record in _records(run_dir, kept, warnings):
            for fmt in (f for f in config.formats if f in SFT):
                _write(files, SFT[fmt], record, warnings)
            for p, rows in pairs.of(record):
                for name, row in rows.items():
                    files.write(name, row, p.chosen.episode, p.rejected.episode)
    if "sharegpt" in config.formats:
        info = orjson.dumps(sharegpt.dataset_info(config.dataset_name), option=orjson.OPT_INDENT_2)
        (out_dir / sharegpt.DATASET_INFO).write_bytes(info)
    if "openai" in config.formats and files.rows[openai.FILE] < 10:
        warnings.append(f"{out_dir / openai.FILE}: {files.rows[openai.FILE]} row(s); "
                        "OpenAI fine-tuning needs at least 10")
    return ExportResult(out_dir, files.rows, warnings)


def _selection(run_dir: Path, filters: FilterConfig | None,
               warnings: list[str]) -> tuple[list[KeptEpisode], list[KeptEpisode]]:
    if filters is not None or not (run_dir / "kept.jsonl").is_file():
        result = filter_run(run_dir, filters or FilterConfig())
        write_result(run_dir, result)
        warnings += result.report.warnings
        return result.kept, result.negatives
    negatives = read_selection(run_dir, "negatives.jsonl") if (run_dir / "negatives.jsonl").is_file() else []
    return read_selection(run_dir, "kept.jsonl"), negatives


def _load(run_dir: Path, episode: KeptEpisode, build, warnings: list[str]) -> Canonical | None:
    try:
        return build(read_trace(run_dir / episode.trace), episode)
    except TraceError as exc:
        warnings.append(f"{exc}; episode {episode.episode_id} skipped")
        return None


def _records(run_dir: Path, kept: list[KeptEpisode], warnings: list[str]) -> Iterator[Canonical]:
    for episode in kept:
        record = _load(run_dir, episode, sft_record, warnings)
        if record is not None:
            yield record


def _write(files: ExportFiles, target: tuple[str, Callable[[Canonical], dict[str, Any]]], record: Canonical,
           warnings: list[str]) -> None:
    name, rewrite = target
    try:
        row = rewrite(record)
    except Unrepresentable as exc:
        warnings.append(f"{record.episode.trace}: not written to {name}: {exc}")
        return
    files.write(name, row, record.episode)


class _Pairing:
    """Preference pairs of each kept episode, made while its record is loaded (kept.jsonl is sorted by task)."""

    def __init__(self, run_dir: Path, negatives: list[KeptEpisode], config: ExportConfig,
                 warnings: list[str]) -> None:
        self.run_dir, self.warnings = run_dir, warnings
        self.formats = [f for f in config.formats if f in DPO]
        self.per_task = config.dpo_pairs_per_task if self.formats else 0
        self.by_task: dict[str, list[KeptEpisode]] = {}
        for episode in negatives:
            self.by_task.setdefault(episode.task_id, []).append(episode)
        self.made: dict[str, int] = {}
        self.used: dict[str, int] = {}

    def of(self, chosen: Canonical) -> Iterator[tuple[dpo.Pair, dict[str, dict[str, Any]]]]:
        """At most one pair: with the shortest negative of the task that makes one, unused negatives first."""
        task = chosen.episode.task_id
        if self.made.get(task, 0) >= self.per_task:
            return
        order = sorted(self.by_task.get(task, ()), key=lambda n: (self.used.get(n.episode_id, 0), n.tokens,
                                                                  n.episode_id))
        for negative in order:
            try:
                p = dpo.pair_with(chosen, negative, self.run_dir)
                rows = {DPO[f][0]: DPO[f][1](p) for f in self.formats}
            except (Unrepresentable, TraceError) as exc:
                self.warnings.append(f"{chosen.episode.trace} + {negative.trace}: no preference pair: {exc}")
                continue
            self.made[task] = self.made.get(task, 0) + 1
            self.used[negative.episode_id] = self.used.get(negative.episode_id, 0) + 1
            yield p, rows
            return
