"""harvester image: build the base image, and optionally every task's image."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from harvester.images import task_image
from harvester.task import discover
from sandbox import connect
from sandbox.images import BaseImageConfig, ensure_base_image


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from-image", help="start from this image instead of debootstrap")
    parser.add_argument("--tasks", nargs="*", type=Path, help="also build these tasks' images")


def main(args: argparse.Namespace) -> int:
    client = connect()
    config = BaseImageConfig(from_image=args.from_image)
    t0 = time.monotonic()
    print(f"base image: {ensure_base_image(client, config)} ({time.monotonic() - t0:.1f}s)")
    for task in discover(args.tasks) if args.tasks else []:
        print(f"{task.id}: {task_image(client, task, config)}")
    return 0
