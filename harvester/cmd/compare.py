"""harvester compare: per-task solve-rate change between two graded runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from harvester.compare import compare, format_comparison


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_a", type=Path, metavar="RUN_A", help="the baseline run directory")
    parser.add_argument("run_b", type=Path, metavar="RUN_B", help="the run to compare with it")


def main(args: argparse.Namespace) -> int:
    print(format_comparison(compare(args.run_a, args.run_b)))
    return 0
