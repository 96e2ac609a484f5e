"""harvester report: write summary.json and report.html for a run directory, and print the summary table."""

from __future__ import annotations

import argparse
from pathlib import Path

from harvester.report import write_report
from harvester.summary import format_table, write_summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run directory, e.g. runs/default")


def main(args: argparse.Namespace) -> int:
    summary = write_summary(args.run_dir)
    path = write_report(args.run_dir)
    print(format_table(summary))
    print(f"report: {path}")
    return 0
