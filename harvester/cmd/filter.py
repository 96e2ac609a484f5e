"""harvester filter: choose the training episodes of a run (kept.jsonl) and account for the rest (drops.json)."""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import orjson
from pydantic import ValidationError

from harvester.errors import ConfigError
from harvester.filters import FilterConfig, FilterResult, filter_run, write_result


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="TOML file; its [filters] table (or the whole file) is read")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override one filter setting (VALUE as JSON, e.g. per_task_cap=3, max_turns=null)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", type=Path, help="run directory (traces/ and labels.jsonl)")
    add_config_arguments(parser)


def load_config(path: Path | None, sets: list[str]) -> FilterConfig:
    """FilterConfig from a TOML file and KEY=VALUE overrides; ConfigError names the file and field."""
    data: dict = {}
    if path is not None:
        try:
            doc = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
        data = dict(doc.get("filters", doc))
    for item in sets:
        key, _, raw = item.partition("=")
        try:
            data[key.strip()] = orjson.loads(raw)
        except orjson.JSONDecodeError:
            data[key.strip()] = raw
    try:
        return FilterConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = path or "--set"
        raise ConfigError(f"{where}: filters.{'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def print_result(result: FilterResult) -> None:
    """Warnings to stderr, one line each; the summary to stdout."""
    report = result.report
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    reasons = ", ".join(f"{reason}={n}" for reason, n in report.by_reason.items()) or "none"
    print(f"kept {report.kept} of {report.total} episode(s); {report.negatives} negative(s); dropped: {reasons}")
    lengths = report.lengths
    print(f"kept row tokens: min {lengths['min']}, p50 {lengths['p50']}, p90 {lengths['p90']}, max {lengths['max']}; "
          f"over 1024: {lengths['over_1024']}, over 8192: {lengths['over_8192']}")


def main(args: argparse.Namespace) -> int:
    result = filter_run(args.run_dir, load_config(args.config, args.set))
    write_result(args.run_dir, result)
    print_result(result)
    return 0
