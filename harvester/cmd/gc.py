"""harvester gc: remove containers left by crashed runs (by label)."""

from __future__ import annotations

import argparse

from sandbox import gc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--run", help="only containers of this run")


def main(args: argparse.Namespace) -> int:
    removed = gc(args.run)
    print(f"removed {removed} container(s)")
    return 0
