"""harvester run: a whole harvest (episodes, grading, filters, export, summary, report); resumable."""

from __future__ import annotations

import argparse
from pathlib import Path

from harvester.config import load_config
from harvester.run import run

DEFAULT_CONFIG = Path("harvest.toml")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="run config (default: ./harvest.toml when present)")
    parser.add_argument("--tasks", nargs="+", type=Path, help="task dirs or dirs of task dirs")
    parser.add_argument("--out", type=Path, help="parent directory of run directories (default runs/)")
    parser.add_argument("--name", help="run name: the run directory is OUT/NAME")
    parser.add_argument("--policy", choices=["auto", "openai", "repair", "replay"])
    parser.add_argument("--model")
    parser.add_argument("--base-url", dest="base_url")
    parser.add_argument("--replay-from", dest="replay_from", type=Path)
    parser.add_argument("--attempts", type=int)
    parser.add_argument("--concurrency", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--grade-runs", dest="grade_runs", type=int)


def main(args: argparse.Namespace) -> int:
    path = args.config or (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None)
    keys = ["tasks", "out", "name", "policy", "model", "base_url", "replay_from", "attempts", "concurrency",
            "seed", "grade_runs"]
    config = load_config(path, {k: getattr(args, k) for k in keys})
    if config.policy == "repair":
        print("no model endpoint configured: using the built-in offline repair policy")
    run_dir = run(config)
    print(f"done: {run_dir}")
    return 0
