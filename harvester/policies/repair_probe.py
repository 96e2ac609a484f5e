"""What the repair policy reads: the task message, tool output, and the report of its coverage probe.

The probe is a small script the policy runs in the container with `python3 -c`: it runs the issue's
reproduction and the visible tests under `sys.settrace`, and prints, for every line of the project
(tests excluded) that a failing check executed, how many failing and passing checks executed it.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass, field

PROBE = r'''
import contextlib, io, os, sys, traceback
sys.dont_write_bytecode = True
ROOT = os.getcwd() + os.sep

def ours(path):
    rel = path[len(ROOT):] if path.startswith(ROOT) else ""
    name = os.path.basename(rel)
    return rel.endswith(".py") and not (rel.startswith("tests/") or "/tests/" in rel
                                        or name.startswith("test_") or name == "conftest.py")

class Cover:
    def __init__(self):
        self.lines, self.known = set(), {}
    def __call__(self, frame, event, arg):
        code = frame.f_code
        if not code.co_flags & 1:  # CO_OPTIMIZED: a function, not a module or class body
            return None
        if code.co_filename not in self.known:
            self.known[code.co_filename] = ours(code.co_filename)
        return self.line if self.known[code.co_filename] else None
    def line(self, frame, event, arg):
        if event == "line":
            self.lines.add((frame.f_code.co_filename[len(ROOT):], frame.f_lineno))
        return self.line
    def __enter__(self):
        sys.settrace(self)
    def __exit__(self, *exc):
        sys.settrace(None)

runs = []
if sys.argv[1]:
    cover, failed = Cover(), False
    code = compile(open(sys.argv[1]).read(), "<reproduction>", "exec")
    try:
        with cover:
            exec(code, {"__name__": "__main__"})
    except SystemExit as exc:
        failed = exc.code not in (None, 0)
    except BaseException as exc:
        failed = True
        print("".join(traceback.format_exception(exc))[-2000:].rstrip())
        for frame in traceback.extract_tb(exc.__traceback__):
            if ours(frame.filename):
                print(f"frame {frame.filename[len(ROOT):]}:{frame.lineno}")
    print("reproduction:", "FAILS" if failed else "passes")
    runs.append(("reproduction", failed, cover.lines))

if len(sys.argv) > 2:
    import pytest

    class Plugin:
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_protocol(self, item, nextitem):
            self.cover, self.failed = Cover(), False
            with self.cover:
                yield
            runs.append((item.nodeid, self.failed, self.cover.lines))

        def pytest_runtest_logreport(self, report):
            self.failed = self.failed or report.failed

    with contextlib.redirect_stdout(io.StringIO()):
        pytest.main(sys.argv[2:] + ["-q", "--tb=no", "-p", "no:cacheprovider"], plugins=[Plugin()])
    bad = [name for name, failed, _ in runs[1 if sys.argv[1] else 0:] if failed]
    print(f"tests: {len(bad)} failed, {len(runs) - len(bad) - (1 if sys.argv[1] else 0)} passed")
    for name in bad[:30]:
        print("FAILED", name)

counts = {}
for _, failed, lines in runs:
    for key in lines:
        counts.setdefault(key, [0, 0])[0 if failed else 1] += 1
print("lines run by failing checks (line:failing:passing):")
by_file = {}
for (path, line), (ef, ep) in sorted(counts.items()):
    if ef:
        by_file.setdefault(path, []).append(f"{line}:{ef}:{ep}")
for path, items in by_file.items():
    print(path, " ".join(items))
'''

# A crash site is often the symptom, not the bug: traceback frames get only a nudge.
FRAME_BONUS = (0.3, 0.15)
_FENCE = re.compile(r"```(?:python|py|python3)[ \t]*\n(.*?)```", re.S)
_CODE_SPAN = re.compile(r"`([^`\n]*pytest[^`\n]*)`")
_EXIT = re.compile(r"^Exit code: (-?\d+)", re.M)
_LINES = re.compile(r"^(\S+\.py) ((?:\d+:\d+:\d+ ?)+)$", re.M)


@dataclass
class Findings:
    """The probe's report: which checks fail and which project lines they run."""

    reproduction_fails: bool = False
    failed_tests: list[str] = field(default_factory=list)
    frames: list[tuple[str, int]] = field(default_factory=list)
    counts: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def failing(self) -> int:
        return int(self.reproduction_fails) + len(self.failed_tests)

    def scores(self) -> dict[tuple[str, int], float]:
        """Ochiai suspiciousness per line, plus a bonus for traceback frames (deepest first)."""
        total = max(self.failing, 1)
        scores = {key: ef / math.sqrt(total * (ef + ep)) for key, (ef, ep) in self.counts.items()}
        for depth, key in enumerate(reversed(self.frames)):
            scores[key] = scores.get(key, 0.0) + FRAME_BONUS[min(depth, 1)]
        return scores


def snippet(task: str) -> str | None:
    """The first ```python block of the task message: the issue's reproduction."""
    found = _FENCE.search(task)
    return found.group(1).rstrip() + "\n" if found else None


def test_command(task: str) -> str:
    """The command the task message names for the visible tests (a `...pytest...` code span)."""
    spans = [span.strip() for span in _CODE_SPAN.findall(task) if not span.strip().startswith("tests/")]
    return spans[-1] if spans else "python -m pytest -q"


def pytest_args(command: str) -> list[str] | None:
    """The arguments after `pytest` in the test command; None when it does not run pytest."""
    words = shlex.split(command)
    at = next((i for i, word in enumerate(words) if word.endswith("pytest")), None)
    return None if at is None else words[at + 1:]


def shell_result(output: str) -> tuple[int | None, str]:
    """(exit code, output text) of a shell tool result; exit code None when it is not one."""
    found = _EXIT.search(output)
    body = output.split("Output:\n", 1)[1] if "Output:\n" in output else output
    return (int(found.group(1)) if found else None), body


def parse_probe(output: str) -> Findings:
    findings = Findings(reproduction_fails="reproduction: FAILS" in output)
    findings.failed_tests = re.findall(r"^FAILED (\S+)$", output, re.M)
    findings.frames = [(path, int(line)) for path, line in re.findall(r"^frame (\S+):(\d+)$", output, re.M)]
    for path, items in _LINES.findall(output):
        for item in items.split():
            line, ef, ep = (int(x) for x in item.split(":"))
            findings.counts[(path, line)] = (ef, ep)
    return findings
