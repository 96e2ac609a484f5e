"""The repair search as a generator: it yields the next action and is sent the tool outputs back.

Explore (tests, files), localize (reproduction and tests under line coverage), read the suspect
files, then try single-site mutations one by one with apply_patch, rerunning the oracle each time.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from harvester.policies.repair_mutate import Mutation, mutations, swap_patch
from harvester.policies.repair_probe import (PROBE, Findings, parse_probe, pytest_args, shell_result,
                                             snippet, test_command)

REPRO = "/tmp/repro.py"
_MAX_FILES = 3
_TOP_LINES = 40
# Fixed, not measured, so that a seed always gives the same actions; a looping candidate costs this much.
_ORACLE_TIMEOUT_MS = 60_000
_CAT_LINE = re.compile(r"^ *(\d+)\t(.*)$")


@dataclass(frozen=True)
class Action:
    """One assistant turn: text plus tool calls (name, arguments); no calls ends the episode."""

    content: str
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


Search = Generator[Action, list[str], None]


def _shell(script: str, timeout_ms: int = 120_000) -> tuple[str, dict[str, Any]]:
    return "shell", {"command": ["bash", "-lc", script], "workdir": "/repo", "timeout_ms": timeout_ms}


def _heredoc(path: str, text: str) -> str:
    mark = "EOF"
    while mark in text.splitlines():
        mark += "_"
    return f"cat > {path} <<'{mark}'\n{text}{mark}"


def repair(task: str, rng: random.Random, max_candidates: int, room: Callable[[], bool]) -> Search:
    """The whole search; `room()` says whether the budget allows another candidate."""
    command = test_command(task)
    outputs = yield Action(f"Let me run the test suite (`{command}`) and look at the files in the repository.",
                           [_shell(f"set -o pipefail; {_quiet(command)} 2>&1 | tail -n 15"),
                            ("shell", {"command": ["git", "ls-files"], "workdir": "/repo"})])
    note = ""
    if "python: command not found" in outputs[0] and command.startswith("python "):
        command = "python3 " + command.removeprefix("python ")
        note = f"There is no `python` on the PATH here, so I'll use `{command}`. "
    args, repro = pytest_args(command), snippet(task)
    probe = ["python3", "-c", PROBE, REPRO if repro else ""] + ([] if args is None else args)
    calls = [_shell(_heredoc(REPRO, repro))] if repro else []
    outputs = yield Action(note + ("I'll save the reproduction from the issue and run it, together with the visible "
                                   "tests, under line coverage to see which code the failing checks execute."
                                   if repro else "I'll run the visible tests under line coverage to see which code "
                                   "the failing tests execute."),
                           calls + [("shell", {"command": probe, "workdir": "/repo", "timeout_ms": 300_000})])
    findings = parse_probe(shell_result(outputs[-1])[1])
    files = _suspect_files(findings.scores())
    if not files:
        yield Action(_NOTHING_FAILS if not findings.failing else _NO_PROJECT_CODE)
        return
    outputs = yield Action(f"The failing checks run code in {', '.join(files)}; reading "
                           f"{'it' if len(files) == 1 else 'them'}.",
                           [("shell", {"command": ["cat", "-n", path], "workdir": "/repo"}) for path in files])
    originals = {path: text for path, output in zip(files, outputs, strict=False) if (text := _cat_text(output))}
    candidates = _ranked(originals, findings, rng)[:max_candidates]
    oracle = _oracle(findings, _quiet(command))
    yield from _try_all(candidates, originals, oracle, room)


_NOTHING_FAILS = ("Neither the reproduction from the issue nor the visible tests fail here, so I have no way to "
                  "tell a fix from a non-fix. I could not find a fix and left the code unchanged.")
_NO_PROJECT_CODE = ("The failing checks stop before they run any code of the project (the API they call is "
                    "missing or different), so this is not a single-line bug I can locate. I could not find a "
                    "fix and left the code unchanged.")


def _quiet(command: str) -> str:
    """The test command without pytest's cache directory, which would show up in the diff."""
    return f"{command} -p no:cacheprovider" if pytest_args(command) is not None else command


@dataclass(frozen=True)
class _Oracle:
    """The check a candidate must pass: the reproduction, then the visible tests."""

    script: str
    timeout_ms: int
    checks: str
    goal: str


def _oracle(findings: Findings, quiet: str) -> _Oracle:
    if findings.reproduction_fails:
        check = f"python3 - < {REPRO} && {quiet}" + (" -x" if pytest_args(quiet) is not None else "")
        checks = "the reproduction and the tests"
        goal = "The reproduction from the issue now runs cleanly and the visible test suite passes."
    else:
        check, checks = quiet, "the tests"
        goal = "The failing tests now pass, along with the rest of the visible test suite."
    return _Oracle(f"set -o pipefail; {{ {check}; }} 2>&1 | tail -n 8", _ORACLE_TIMEOUT_MS, checks, goal)


def _suspect_files(scores: dict[tuple[str, int], float]) -> list[str]:
    """Files holding the most suspicious lines, best first."""
    files: list[str] = []
    for (path, _), _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:_TOP_LINES]:
        if path not in files:
            files.append(path)
    return files[:_MAX_FILES]


def _cat_text(output: str) -> str | None:
    """File text from `cat -n` output; None when lines are missing (output cut) or it failed."""
    code, body = shell_result(output)
    lines = []
    for raw in body.split("\n"):
        found = _CAT_LINE.match(raw)
        if found is None:
            continue
        if int(found.group(1)) != len(lines) + 1:
            return None
        lines.append(found.group(2))
    return "\n".join(lines) + "\n" if code == 0 and lines else None


def _ranked(originals: dict[str, str], findings: Findings, rng: random.Random) -> list[Mutation]:
    """Candidates on executed lines: most suspicious line first, then likelier families; ties by the seed."""
    scores = findings.scores()
    pool = []
    for path, text in originals.items():
        executed = {line for (file, line) in findings.counts if file == path}
        pool += mutations(path, text, executed)
    keyed = [(-round(scores[(m.path, m.line)], 6), m.rank, rng.random(), m) for m in pool]
    return [m for *_, m in sorted(keyed, key=lambda item: item[:3])]


def _try_all(candidates: list[Mutation], originals: dict[str, str], oracle: _Oracle,
             room: Callable[[], bool]) -> Search:
    applied: Mutation | None = None
    tried = 0
    for candidate in candidates:
        patch = swap_patch(originals, applied, candidate)
        if patch is None:
            continue
        if not room():
            break
        tried += 1
        lead = "That did not fix it; reverting it and trying" if applied else "Trying"
        outputs = yield Action(f"{lead} a candidate fix ({candidate.kind}): {candidate.describe()}. Then I rerun "
                               f"{oracle.checks}.",
                               [("apply_patch", {"input": patch}),
                                _shell(oracle.script, oracle.timeout_ms)])
        if not outputs[0].startswith("Success"):
            continue
        applied = candidate
        if shell_result(outputs[1])[0] == 0:
            yield Action(f"Fixed: {candidate.describe()} ({candidate.kind}). {oracle.goal}")
            return
    revert = swap_patch(originals, applied, None) if applied else None
    if revert is not None:
        yield Action("None of the candidate fixes worked; reverting the last attempt.",
                     [("apply_patch", {"input": revert})])
    if not tried:
        yield Action("I could not find a fix: the code the failing checks run offers no candidate single-line "
                     "change (comparison, boolean operator, negation, constant, bound or operand order). The code "
                     "is left unchanged.")
        return
    yield Action(f"I could not find a fix: {tried} candidate single-line changes were tried and none made the "
                 "failing checks pass with the rest of the test suite intact. The code is left unchanged.")
