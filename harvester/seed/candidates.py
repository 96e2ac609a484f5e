"""Candidate bugs: every modifier over every function and class of the sources, as minimal, deduplicated diffs."""

from __future__ import annotations

import ast
import difflib
import hashlib
import itertools
import random
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from harvester import pysource
from harvester.filters import normalize_patch
from harvester.seed.modifiers import MODIFIERS
from harvester.seed.splice import Rewriter

PAIR = "pair"
_HUNK = re.compile(r"-(\d+)(,\d+)? \+(\d+)(,\d+)?")
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


class Candidate(BaseModel):
    """One synthetic bug (or a combination of two) in one file."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    key: str = Field(description="Hash of the normalized diff; equal keys are the same bug.")
    modifier: str = Field(description="Modifier name, or 'pair' for a combination.")
    file: str = Field(description="Repo-relative path of the changed file.")
    unit: str = Field(description="Qualified name of the changed function or class ('+'-joined for pairs).")
    line: int = Field(description="Line of the change in the clean file.")
    text: str = Field(description="The buggy content of the file.")
    diff: str = Field(description="Git-style diff from the clean file to the buggy one.")
    parts: tuple[str, ...] = Field(default=(), description="Keys of the single bugs a combination is made of.")


def git_diff(path: str, old: str, new: str) -> str:
    """A git-style unified diff of one text file (applies with `git apply` at the repo root)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    head = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    tail = next((i for i, (x, y) in enumerate(zip(reversed(a[head:]), reversed(b[head:]))) if x != y),
                min(len(a), len(b)) - head)
    skip = max(0, head - 3)  # only the changed middle is compared; hunk numbers are shifted back
    body = []
    for line in difflib.unified_diff(a[skip:len(a) - max(0, tail - 3)], b[skip:len(b) - max(0, tail - 3)],
                                     f"a/{path}", f"b/{path}", n=3):
        if line.startswith("@@"):
            line = _HUNK.sub(lambda m: f"-{int(m[1]) + skip}{m[2] or ''} +{int(m[3]) + skip}{m[4] or ''}", line)
        body.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return f"diff --git a/{path} b/{path}\n" + "".join(body) if body else ""


def _key(diff: str) -> str:
    return hashlib.sha256(normalize_patch(diff).encode()).hexdigest()[:12]


def units(module: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """(qualified name, node) of top-level functions, classes and the methods of those classes."""
    for node in module.body:
        if isinstance(node, _DEFS):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            yield node.name, node
            yield from ((f"{node.name}.{item.name}", item) for item in node.body if isinstance(item, _DEFS))


def file_candidates(path: str, text: str, seed: int) -> Iterator[Candidate]:
    """Every candidate of one file, in a fixed order (modifiers that use randomness are seeded per unit)."""
    try:
        module = pysource.parse(text)
    except (SyntaxError, ValueError):
        return
    rewriter = Rewriter(text)
    for qualname, unit in units(module):
        for name, modifier in MODIFIERS.items():
            rng = random.Random(f"{seed}:{path}:{qualname}:{name}")
            for mutant, line in modifier(unit, rng):
                new_text = rewriter.rewrite(unit, mutant)
                if new_text is not None:
                    diff = git_diff(path, text, new_text)
                    yield Candidate(key=_key(diff), modifier=name, file=path, unit=qualname, line=line,
                                    text=new_text, diff=diff)


def generate(root: Path, sources: list[str], seed: int, limit: int | None = None) -> list[Candidate]:
    """Candidates (deduplicated; files in a seeded order until `limit`), ordered to take each modifier in turn."""
    buckets: dict[str, list[Candidate]] = {name: [] for name in MODIFIERS}
    seen: set[str] = set()
    files = sorted(sources)
    random.Random(seed).shuffle(files)
    for path in files:
        if limit is not None and len(seen) >= limit:
            break
        text = (root / path).read_text(encoding="utf-8", errors="surrogateescape")
        for candidate in file_candidates(path, text, seed):
            if candidate.key not in seen:
                seen.add(candidate.key)
                buckets[candidate.modifier].append(candidate)
    rng = random.Random(seed)
    for bucket in buckets.values():
        rng.shuffle(bucket)
    rounds = itertools.zip_longest(*buckets.values())
    return [candidate for row in rounds for candidate in row if candidate is not None]


def _changes(old: list[str], new: list[str]) -> list[tuple[int, int, list[str]]]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(i1, i2, new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def merge(clean: str, a: str, b: str) -> str | None:
    """Both edits of the clean text in one, when they touch lines at least one line apart; else None."""
    old = clean.splitlines(keepends=True)
    changes = sorted(_changes(old, a.splitlines(keepends=True)) + _changes(old, b.splitlines(keepends=True)))
    for (_, end, _), (start, _, _) in zip(changes, changes[1:]):
        if start <= end:
            return None
    lines = list(old)
    for start, end, replacement in reversed(changes):
        lines[start:end] = replacement
    return "".join(lines)


def _parses(text: str) -> bool:
    try:
        pysource.parse(text)
        return True
    except (SyntaxError, ValueError):
        return False


def pairs(singles: list[Candidate], clean: dict[str, str], seed: int) -> list[Candidate]:
    """Combinations of two validated bugs in different functions or classes of one file, in a seeded order."""
    found = []
    for a, b in itertools.combinations(singles, 2):
        if a.file != b.file or a.unit == b.unit or a.unit.startswith(b.unit + ".") or b.unit.startswith(a.unit + "."):
            continue
        text = merge(clean[a.file], a.text, b.text)
        if text is None or not _parses(text):
            continue
        first, second = sorted((a, b), key=lambda c: c.line)
        diff = git_diff(a.file, clean[a.file], text)
        found.append(Candidate(key=_key(diff), modifier=PAIR, file=a.file, unit=f"{first.unit}+{second.unit}",
                               line=first.line, text=text, diff=diff, parts=(first.key, second.key)))
    random.Random(seed).shuffle(found)
    return found
