"""Minimal rewrites: put a mutated function or class back into its file by changing only the smallest region.

The smallest changed expression is re-rendered with ast.unparse when that is enough, else the smallest statement
or compound-statement header, else the changed run of statements, else the whole unit. Every attempt is parsed
back and compared with the intended tree, so a rewrite is either exactly the mutation or None.
"""

from __future__ import annotations

import ast
import copy
import difflib
from collections.abc import Iterator

from harvester import pysource
from harvester.seed.lines import delete_run, drop_else, rewrite_run
from harvester.seed.spans import Edit, Source, fields, first_line, operators, same

BLOCKS = ("body", "orelse", "finalbody", "handlers")
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _header_text(m: ast.AST) -> str:
    head = copy.copy(m)
    for field in BLOCKS:
        if isinstance(getattr(head, field, None), list):
            setattr(head, field, [ast.Pass()] if field == "body" else [])
    if isinstance(head, _DEFS):
        head.decorator_list = []
    return ast.unparse(head).split("\n")[0].removesuffix(":")


def _header(src: Source, o: ast.AST, m: ast.AST, fine: bool) -> list[Edit] | None:
    edits = (operators(src, o, m) or fields(src, o, m, BLOCKS + ("decorator_list",))) if fine else None
    if edits is not None:
        return edits
    if isinstance(o, _DEFS) and not same(o.decorator_list, m.decorator_list):
        return None
    start, end = src.span(o)
    if not isinstance(getattr(o, "body", None), list):
        return [(start, end, ast.unparse(m))]
    colon = src.colon(o)
    if colon is None:
        return None
    text = _header_text(m)
    return [(start, colon, "el" + text if src.text.startswith("elif", start) else text)]


def _stmt(src: Source, o: ast.AST, m: ast.AST, fine: bool) -> list[Edit] | None:
    """Edits turning statement `o` into `m` (same type), or None when it must be rewritten whole."""
    if type(o) is not type(m):
        return None
    edits: list[Edit] = []
    for field in BLOCKS:
        a, b = getattr(o, field, None), getattr(m, field, None)
        if isinstance(a, list) and not same(a, b):
            sub = drop_else(src, o, a) if field == "orelse" and not b else _block(src, a, b, fine)
            if sub is None:
                return None
            edits += sub
    if any(not same(getattr(o, f), getattr(m, f)) for f in o._fields if f not in BLOCKS):
        sub = _header(src, o, m, fine)
        if sub is None:
            return None
        edits += sub
    return edits


def _key(node: ast.AST) -> str:
    return f"def {node.name}" if isinstance(node, _DEFS) else ast.dump(node)


def _block(src: Source, old: list, new: list, fine: bool) -> list[Edit] | None:
    """Edits for a statement list: common ends skipped, the middle aligned by name (defs) or tree."""
    head = next((i for i, (o, m) in enumerate(zip(old, new)) if not same(o, m)), min(len(old), len(new)))
    tail = 0
    while tail < min(len(old), len(new)) - head and same(old[-1 - tail], new[-1 - tail]):
        tail += 1
    old, new = old[head:len(old) - tail], new[head:len(new) - tail]
    if len(old) == len(new):
        return _pairs(src, old, new, fine)
    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(None, [_key(s) for s in old], [_key(s) for s in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert":
            return rewrite_run(src, old, new)
        if tag == "delete":
            sub = delete_run(src, old[i1:i2])
        elif i2 - i1 == j2 - j1:
            sub = _pairs(src, old[i1:i2], new[j1:j2], fine)
        else:
            sub = rewrite_run(src, old[i1:i2], new[j1:j2])
        if sub is None:
            return rewrite_run(src, old, new)
        edits += sub
    return edits


def _pairs(src: Source, old: list, new: list, fine: bool) -> list[Edit] | None:
    edits: list[Edit] = []
    for o, m in zip(old, new):
        if same(o, m):
            continue
        one = _stmt(src, o, m, fine)
        one = one if one is not None else rewrite_run(src, [o], [m])
        if one is None:
            return None
        edits += one
    return edits


def _apply(text: str, edits: list[Edit]) -> str | None:
    out, cursor = [], 0
    for start, end, replacement in sorted(edits):
        if start < cursor:
            return None
        out += [text[cursor:start], replacement]
        cursor = end
    return "".join(out) + text[cursor:]


class Rewriter:
    """Rewrites of one file's units; caches what every mutant of a unit shares."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._sources: dict[int, Source] = {}

    def rewrite(self, unit: ast.AST, new_unit: ast.AST) -> str | None:
        """The text with `unit` replaced by `new_unit`, changing as little as possible; None if impossible."""
        if id(unit) not in self._sources:
            self._sources[id(unit)] = Source(self.text, unit)
        src, expected = self._sources[id(unit)], ast.dump(new_unit)
        for edits in _attempts(src, unit, new_unit):
            result = _apply(self.text, edits) if edits is not None else None
            if result is not None and result != self.text and _parses_to(src, unit, edits, result, expected):
                return result
        return None


def _parses_to(src: Source, unit: ast.AST, edits: list[Edit], result: str, expected: str) -> bool:
    """Whether the unit's lines in `result` parse to exactly the expected unit.

    Edits never reach outside the unit's lines (but for blank lines), so the rest of the file is unchanged
    text and parsing the unit's region alone is enough.
    """
    top = first_line(unit)
    first = src.starts[top - 1]
    last = max([src.starts[unit.end_lineno]] + [end for _, end, _ in edits])
    shift = sum(len(text) - (end - start) for start, end, text in edits)
    region = result[first:last + shift]
    nested = bool(src.indent(top))  # a method: parse it inside a class
    try:
        tree = pysource.parse("class _:\n" + region if nested else region)
    except (SyntaxError, ValueError):
        return False
    body = tree.body[0].body if nested else tree.body
    return len(body) == 1 and ast.dump(body[0]) == expected


def _attempts(src: Source, unit: ast.AST, new_unit: ast.AST) -> Iterator[list[Edit] | None]:
    """Edit sets from the finest to the coarsest."""
    yield _stmt(src, unit, new_unit, True)
    src.parens = True
    yield _stmt(src, unit, new_unit, True)
    src.parens = False
    yield _stmt(src, unit, new_unit, False)
    yield rewrite_run(src, [unit], [new_unit])
