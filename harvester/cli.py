"""`harvester` command line: one module per subcommand, each with add_arguments(parser) and main(args)."""

from __future__ import annotations

import argparse
import importlib
import sys

from harvester.errors import HarvesterError
from sandbox.errors import SandboxError

# name -> (module, one-line help); each module defines add_arguments(parser) and main(args) -> int
COMMANDS: dict[str, tuple[str, str]] = {
    "gc": ("harvester.cmd.gc", "remove leftover harvester containers"),
    "image": ("harvester.cmd.image", "build the base image (and task images)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harvester", description="Turn coding agents' work into training data.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module, help_text) in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        importlib.import_module(module).add_arguments(cmd)
        cmd.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
