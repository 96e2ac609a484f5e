"""The export files and their sidecar: every row written lands with one export/meta.jsonl line.

Files are written under temporary names and moved into place on a clean close, so a crashed export
never leaves a half-written file where a trainer would pick it up.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import orjson

from harvester.records import SCHEMA_VERSION, KeptEpisode

FILE = "meta.jsonl"


class ExportFiles:
    """Open export files by name; `write` appends a row and its meta line. Use as a context manager."""

    def __init__(self, out_dir: Path, names: list[str]) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self.rows = {name: 0 for name in names}
        self._files: dict[str, IO[bytes]] = {}
        for name in [*names, FILE]:
            self._files[name] = open(self._tmp(name), "wb", buffering=1 << 20)

    def write(self, name: str, row: dict[str, Any], episode: KeptEpisode,
              rejected: KeptEpisode | None = None) -> None:
        self._files[name].write(orjson.dumps(row) + b"\n")
        # the fields of records.ExportMeta, built directly: this runs once per row of every file
        meta = {"v": SCHEMA_VERSION, "file": name, "row": self.rows[name], "episode_id": episode.episode_id,
                "task_id": episode.task_id, "model": episode.model, "outcome": episode.outcome,
                "trace": episode.trace, "rejected_episode_id": rejected.episode_id if rejected else None,
                "rejected_trace": rejected.trace if rejected else None}
        self._files[FILE].write(orjson.dumps(meta) + b"\n")
        self.rows[name] += 1

    def _tmp(self, name: str) -> Path:
        return self.out_dir / f".{name}.tmp"

    def close(self, commit: bool = True) -> None:
        for name, f in self._files.items():
            f.close()
            if commit:
                self._tmp(name).replace(self.out_dir / name)
            else:
                self._tmp(name).unlink(missing_ok=True)

    def __enter__(self) -> ExportFiles:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.close(commit=exc_type is None)
