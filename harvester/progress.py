"""Live progress: one redrawn line on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class Progress:
    """Counts episodes as they finish; thread-safe."""

    def __init__(self, total: int, concurrency: int, stream: TextIO | None = None) -> None:
        self.total, self.concurrency = total, concurrency
        self.done = self.resolved = self.running = self.tokens = self.infra = 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._t0 = time.monotonic()
        self._lock = threading.Lock()

    def started(self) -> None:
        with self._lock:
            self.running += 1
            self._draw()

    def finished(self, episode_id: str, outcome: str, tokens: int, seconds: float) -> None:
        with self._lock:
            self.running -= 1
            self.done += 1
            self.tokens += tokens
            self.resolved += outcome == "resolved"
            self.infra += outcome == "infra_error"
            if not self.tty:
                print(f"[{self.done}/{self.total}] {episode_id}: {outcome} ({seconds:.0f}s, {tokens} tokens)",
                      file=self.stream, flush=True)
            self._draw()

    def line(self) -> str:
        elapsed = time.monotonic() - self._t0
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        eta_text = "?" if eta != eta else f"{eta / 60:.1f} min"
        return (f"episodes {self.done}/{self.total}  resolved {self.resolved}  running {self.running}"
                f"  infra {self.infra}  tokens {self.tokens:,}  elapsed {elapsed / 60:.1f} min  eta {eta_text}")

    def _draw(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K" + self.line())
            self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
        print(self.line(), file=self.stream, flush=True) if not self.tty else None
