"""Subcommands of the harvester CLI."""
