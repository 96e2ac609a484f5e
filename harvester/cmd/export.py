"""harvester export: write the training files of a filtered run (runs the filters first when asked or needed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harvester.cmd.filter import add_config_arguments, load_config
from harvester.export.driver import FORMATS, ExportConfig, export_run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", type=Path, help="run directory (traces/, labels.jsonl, kept.jsonl)")
    parser.add_argument("--format", nargs="+", choices=FORMATS, default=list(FORMATS), dest="formats",
                        help="targets to write (default: all)")
    parser.add_argument("--out", type=Path, help="output directory (default RUN_DIR/export)")
    parser.add_argument("--pairs-per-task", type=int, default=2, help="preference pairs per task (default 2)")
    parser.add_argument("--refilter", action="store_true", help="rerun the filters even if kept.jsonl exists")
    add_config_arguments(parser)


def main(args: argparse.Namespace) -> int:
    refilter = args.refilter or args.config is not None or bool(args.set)
    filters = load_config(args.config, args.set) if refilter else None
    config = ExportConfig(formats=tuple(args.formats), dpo_pairs_per_task=args.pairs_per_task)
    result = export_run(args.run_dir, config, filters, args.out)
    for line in result.warnings:
        print(f"warning: {line}", file=sys.stderr)
    for name, n in result.rows.items():
        print(f"{result.out_dir / name}: {n} row(s)")
    return 0
