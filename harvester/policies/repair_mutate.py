"""Candidate single-site fixes (mutations of executed lines) and the patches that apply or revert them."""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from harvester import pysource
from harvester.patch import PatchError, plan_patch
from harvester.policies.repair_edits import SourceIndex

_CONTEXT_SIZES = (3, 5, 8, 13)


@dataclass(frozen=True)
class Mutation:
    """One candidate: line `line` (1-based) of `path` reads `old`; the candidate makes it `new`."""

    path: str
    line: int
    old: str
    new: str
    kind: str
    rank: int

    def describe(self) -> str:
        return f"{self.path} line {self.line}: `{self.old.strip()}` -> `{self.new.strip()}`"

    def inverse(self) -> Mutation:
        return Mutation(self.path, self.line, self.new, self.old, self.kind, self.rank)

    def apply(self, text: str) -> str:
        lines = text.split("\n")
        if lines[self.line - 1] != self.old:
            raise ValueError(f"{self.path} line {self.line} is not {self.old!r}")
        lines[self.line - 1] = self.new
        return "\n".join(lines)


def mutations(path: str, text: str, lines: Collection[int]) -> list[Mutation]:
    """Distinct candidates on `lines` inside function bodies, in source order; [] if `text` won't parse."""
    try:
        tree = pysource.parse(text)
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (SyntaxError, tokenize.TokenError, ValueError):
        return []
    source = text.split("\n")
    index = SourceIndex(source, tree, tokens)
    found: dict[tuple[int, str], Mutation] = {}
    for node in _body_nodes(tree):
        for line, start, end, replacement, kind, rank in index.edits(node):
            old = source[line - 1]
            new = old[:start] + replacement + old[end:]
            if line not in lines or new == old or (line, new) in found or not _parses(source, line, new):
                continue
            found[(line, new)] = Mutation(path, line, old, new, kind, rank)
    return sorted(found.values(), key=lambda m: (m.line, m.rank))


def _body_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Nodes inside function bodies (not signatures, decorators or module-level code), each once."""
    seen: set[int] = set()
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for statement in func.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for node in ast.walk(statement):
                if id(node) not in seen:
                    seen.add(id(node))
                    yield node


def _parses(source: list[str], line: int, new: str) -> bool:
    try:
        pysource.parse("\n".join(source[: line - 1] + [new] + source[line:]))
    except SyntaxError:
        return False
    return True


def swap_patch(originals: dict[str, str], revert: Mutation | None, attempt: Mutation | None) -> str | None:
    """apply_patch text that undoes `revert` (currently applied) and applies `attempt`.

    Checked against the patch engine itself: None when no context makes the edit land exactly.
    """
    state = dict(originals)
    if revert is not None:
        state[revert.path] = revert.apply(state[revert.path])
    expected = dict(originals)
    sections, current = [], dict(state)
    for edit in [m for m in (revert and revert.inverse(), attempt) if m is not None]:
        section = _section(edit, current[edit.path])
        if section is None:
            return None
        sections.append(section)
        current[edit.path] = edit.apply(current[edit.path])
    if attempt is not None:
        expected[attempt.path] = attempt.apply(expected[attempt.path])
    patch = "*** Begin Patch\n" + "".join(sections) + "*** End Patch\n"
    return patch if _lands(patch, state, expected) else None


def _section(edit: Mutation, text: str) -> str | None:
    """The smallest `*** Update File` section that turns `text` into `edit.apply(text)`."""
    lines = text.split("\n")
    for size in _CONTEXT_SIZES:
        before = lines[max(0, edit.line - 1 - size): edit.line - 1]
        after = lines[edit.line: edit.line + size]
        while after and after[-1] == "" and edit.line + len(after) >= len(lines):
            after.pop()  # the empty string after the final newline is not a line
        body = [" " + x for x in before] + ["-" + edit.old, "+" + edit.new] + [" " + x for x in after]
        section = f"*** Update File: {edit.path}\n@@\n" + "".join(x + "\n" for x in body)
        patch = "*** Begin Patch\n" + section + "*** End Patch\n"
        if _lands(patch, {edit.path: text}, {edit.path: edit.apply(text)}):
            return section
    return None


def _lands(patch: str, state: dict[str, str], expected: dict[str, str]) -> bool:
    try:
        changes = plan_patch(patch, state.get)
    except PatchError:
        return False
    result = dict(state)
    for change in changes:
        result[change.path] = change.content or ""
    return all(result[path].rstrip("\n") == expected[path].rstrip("\n") for path in result)
