"""`harvester` command line: one module per subcommand, each with add_arguments(parser) and main(args)."""

from __future__ import annotations

import argparse
import importlib
import sys

from harvester.errors import HarvesterError
from sandbox.errors import SandboxError

# name -> (module, one-line help); each module defines add_arguments(parser) and main(args) -> int
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("harvester.cmd.run", "run a harvest: episodes, grading, filters, export, report"),
    "gc": ("harvester.cmd.gc", "remove leftover harvester containers"),
    "filter": ("harvester.cmd.filter", "choose a run's training episodes (kept.jsonl, drops.json)"),
    "export": ("harvester.cmd.export", "write a run's training files (SFT, DPO, sidecar)"),
    "image": ("harvester.cmd.image", "build the base image (and task images)"),
    "tasks": ("harvester.cmd.tasks", "validate and import tasks"),
    "report": ("harvester.cmd.report", "write summary.json and report.html for a run"),
    "compare": ("harvester.cmd.compare", "per-task solve-rate change between two runs"),
    "grade": ("harvester.cmd.grade", "re-grade a run from its traces"),
    "seed": ("harvester.cmd.seed", "generate validated synthetic-bug tasks from a repo"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Only the chosen command's module is imported, so one command's trouble never breaks another."""
    parser = argparse.ArgumentParser(prog="harvester", description="Turn coding agents' work into training data.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module, help_text) in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        if command in (name, None):
            importlib.import_module(module).add_arguments(cmd)
        cmd.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(chosen if chosen in COMMANDS else None).parse_args(argv)
    try:
        return importlib.import_module(args._module).main(args)
    except (HarvesterError, SandboxError, FileNotFoundError, NotADirectoryError) as exc:
        print(f"harvester {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"harvester {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
