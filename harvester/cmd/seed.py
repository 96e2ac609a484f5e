"""harvester seed: validated synthetic-bug tasks from a Python repository with a passing pytest suite."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from harvester.errors import ConfigError
from harvester.seed.pipeline import SeedConfig, SeedReport, seed_repo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("repo", help="local directory or git URL of a Python project with a pytest suite")
    parser.add_argument("--out", type=Path, default=Path("task_repos"), help="where task dirs are written")
    parser.add_argument("--count", type=int, default=50, help="tasks to write (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the candidate order (default 0)")
    parser.add_argument("--concurrency", type=int, default=2, help="containers validating at once (default 2)")
    parser.add_argument("--runs", type=int, default=2, help="suite runs per candidate that must agree (default 2)")
    parser.add_argument("--pairs", type=int, default=None, help="multi-site tasks among --count (default count/10)")
    parser.add_argument("--suite-timeout", type=float, default=300.0, help="longest clean suite run, seconds")
    parser.add_argument("--label", default="seed", help="harvester.run label of the containers (default seed)")
    parser.add_argument("--model", default=None, help="model writing statements (or OPENAI_MODEL)")
    parser.add_argument("--base-url", default=None, help="OpenAI-compatible endpoint (or OPENAI_BASE_URL)")


def format_report(report: SeedReport) -> str:
    """Yield per modifier, then totals and throughput."""
    rows = [f"{'modifier':<12} {'checked':>7} {'kept':>5} {'yield':>6}"]
    for name, counts in sorted(report.per_modifier.items()):
        share = f"{100 * counts.kept / counts.checked:.0f}%" if counts.checked else "-"
        rows.append(f"{name:<12} {counts.checked:>7} {counts.kept:>5} {share:>6}")
    kept = sum(c.kept for c in report.per_modifier.values())
    rows.append(f"{'total':<12} {report.checked:>7} {kept:>5} "
                f"{(f'{100 * kept / report.checked:.0f}%' if report.checked else '-'):>6}")
    drops = ", ".join(f"{reason}: {n}" for reason, n in sorted(report.reasons.items(), key=lambda x: -x[1]))
    sources = ", ".join(f"{source} {n}" for source, n in sorted(report.statements.items()))
    rows += [f"dropped: {drops or 'none'}",
             f"{len(report.tasks)} task(s) written from {report.generated} candidates over {report.tests} tests;"
             f" statements: {sources or 'none'}",
             f"throughput: {report.per_minute:.1f} candidates validated per minute"
             f" ({report.validate_s:.0f}s validating, {report.wall_s:.0f}s in all)"]
    return "\n".join(rows)


def _config(args: argparse.Namespace) -> SeedConfig:
    try:
        return SeedConfig(
            repo=args.repo, out=args.out, count=args.count, seed=args.seed, concurrency=args.concurrency,
            runs=args.runs, pairs=args.pairs, suite_timeout_s=args.suite_timeout, label=args.label,
            model=args.model or os.environ.get("OPENAI_MODEL") or None,
            base_url=args.base_url or os.environ.get("OPENAI_BASE_URL") or None)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"--{'-'.join(str(p) for p in first['loc'])}: {first['msg']}") from None


def main(args: argparse.Namespace) -> int:
    config = _config(args)
    report = seed_repo(config, log=lambda line: print(line, file=sys.stderr, flush=True))
    print(format_report(report))
    for task_id in report.tasks:
        print(f"  {args.out / task_id}")
    if not report.tasks:
        print(f"harvester seed: error: no candidate of {args.repo} survived validation", file=sys.stderr)
        return 1
    return 0
