"""Progress: a redrawn line on a terminal, one plain line per episode otherwise."""

from __future__ import annotations

import io

from harvester.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    progress = Progress(total=3, concurrency=2, stream=out)
    progress.started()
    progress.finished("t.a0.s0", "resolved", 120, 4.0)
    progress.started()
    progress.finished("t.a1.s1", "infra_error", 0, 1.0)
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines[0] == "[1/3] t.a0.s0: resolved (4s, 120 tokens)"
    assert lines[1] == "[2/3] t.a1.s1: infra_error (1s, 0 tokens)"
    assert lines[2].startswith("episodes 2/3  resolved 1  running 0  infra 1  tokens 120")
    assert "\r" not in out.getvalue()


def test_one_redrawn_line_on_a_terminal():
    out = _Terminal()
    progress = Progress(total=2, concurrency=1, stream=out)
    progress.started()
    progress.finished("t.a0.s0", "unresolved", 50, 2.0)
    progress.close()
    text = out.getvalue()
    assert text.count("\r\x1b[2K") == 2 and "[1/2]" not in text
    assert text.endswith("\n") and "episodes 1/2  resolved 0  running 0" in text.rsplit("\r", 1)[-1]
    assert "eta 0.0 min" in text or "eta" in text
