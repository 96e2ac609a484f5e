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
            sub = _drop_else(src, o, a) if field == "orelse" and not b else _block(src, a, b, fine)
            if sub is None:
                return None
            edits += sub
    if any(not same(getattr(o, f), getattr(m, f)) for f in o._fields if f not in BLOCKS):
        sub = _header(src, o, m, fine)
        if sub is None:
            return None
        edits += sub
    return edits


def _drop_else(src: Source, o: ast.AST, block: list) -> list[Edit] | None:
    """Delete an else branch with its `else:` line (an elif is a statement of its own)."""
    if src.text.startswith("elif", src.span(block[0])[0]):
        return _delete(src, block)
    top = first_line(block[0]) - 1
    while top > o.body[-1].end_lineno and not src.lines[top - 1].strip().startswith("else"):
        top -= 1
    lines = src.whole_lines(block[-1], block[-1])
    if top <= o.body[-1].end_lineno or lines is None:
        return None
    return [(src.starts[top - 1], lines[1], "")]


def _key(node: ast.AST) -> str:
    return f"def {node.name}" if isinstance(node, _DEFS) else ast.dump(node)


def _block(src: Source, old: list, new: list, fine: bool) -> list[Edit] | None:
    """Edits for a statement list: aligned by name (defs) or tree, then changed runs rewritten."""
    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(None, [_key(s) for s in old], [_key(s) for s in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert":
            return _run(src, old, new)
        if tag == "delete":
            sub = _delete(src, old[i1:i2])
        elif i2 - i1 == j2 - j1:
            sub = _pairs(src, old[i1:i2], new[j1:j2], fine)
        else:
            sub = _run(src, old[i1:i2], new[j1:j2])
        if sub is None:
            return _run(src, old, new)
        edits += sub
    return edits


def _pairs(src: Source, old: list, new: list, fine: bool) -> list[Edit] | None:
    edits: list[Edit] = []
    for o, m in zip(old, new):
        if same(o, m):
            continue
        one = _stmt(src, o, m, fine)
        one = one if one is not None else _run(src, [o], [m])
        if one is None:
            return None
        edits += one
    return edits


def _delete(src: Source, run: list) -> list[Edit] | None:
    lines = src.whole_lines(run[0], run[-1])
    if lines is None:
        return None
    start, end = lines
    top, bottom = first_line(run[0]), run[-1].end_lineno
    if src.blank(top - 1) and (src.blank(bottom + 1) or bottom == len(src.lines)):  # one gap remains, not two
        while src.blank(top - 1):
            top -= 1
        start = src.starts[top - 1]
    elif top > 1 and src.lines[top - 2].rstrip().endswith(":"):  # first in its block: no gap under the header
        while src.blank(bottom + 1):
            bottom += 1
        end = src.starts[bottom]
    return [(start, end, "")]


def _render(src: Source, node: ast.AST, indent: str) -> str:
    """A statement at `indent`: its original text when it is an original statement, else unparsed."""
    original = src.stmts.get(ast.dump(node))
    lines = src.whole_lines(original, original) if original is not None else None
    if lines is None:
        text, old = ast.unparse(node) + "\n", ""
    else:
        text, old = src.text[lines[0]:lines[1]], src.indent(first_line(original))
    out = []
    for line in text.splitlines(keepends=True):
        body = line[len(old):] if line.startswith(old) else line
        out.append(indent + body if body.strip() else body)
    return "".join(out) if text.endswith("\n") else "".join(out) + "\n"


def _run(src: Source, old: list, new: list) -> list[Edit] | None:
    """Rewrite a run of whole statements."""
    if not old:
        return None
    if not new:
        return _delete(src, old)
    lines = src.whole_lines(old[0], old[-1])
    if lines is None:
        return None
    indent = src.indent(first_line(old[0]))
    return [(lines[0], lines[1], "".join(_render(src, node, indent) for node in new))]


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

    def __init__(self, text: str, module: ast.Module) -> None:
        self.text, self.module = text, module
        self._sources: dict[int, Source] = {}

    def _top(self, unit: ast.AST) -> tuple[int, list]:
        """(index of the top-level statement holding unit, the block holding unit)."""
        for index, top in enumerate(self.module.body):
            for node in ast.walk(top):
                for field in BLOCKS:
                    block = getattr(node, field, None)
                    if isinstance(block, list) and any(s is unit for s in block):
                        return index, block
            if top is unit:
                return index, self.module.body
        raise ValueError("unit is not in the module")

    def rewrite(self, unit: ast.AST, new_unit: ast.AST) -> str | None:
        """The text with `unit` replaced by `new_unit`, changing as little as possible; None if impossible."""
        index, holder = self._top(unit)
        slot = next(i for i, s in enumerate(holder) if s is unit)
        holder[slot] = new_unit
        try:
            expected = ast.dump(self.module.body[index])
        finally:
            holder[slot] = unit
        if id(unit) not in self._sources:
            self._sources[id(unit)] = Source(self.text, unit)
        for edits in _attempts(self._sources[id(unit)], unit, new_unit):
            result = _apply(self.text, edits) if edits is not None else None
            if result is not None and result != self.text and self._matches(result, index, expected):
                return result
        return None

    def _matches(self, text: str, index: int, expected: str) -> bool:
        # Edits stay inside the unit's lines, so the other top-level statements are unchanged text.
        try:
            body = ast.parse(text).body
        except (SyntaxError, ValueError):
            return False
        return len(body) == len(self.module.body) and ast.dump(body[index]) == expected


def rewrite(text: str, module: ast.Module, unit: ast.AST, new_unit: ast.AST) -> str | None:
    """`text` (parsed as `module`) with `unit` replaced by `new_unit`, changing as little text as possible."""
    return Rewriter(text, module).rewrite(unit, new_unit)


def _attempts(src: Source, unit: ast.AST, new_unit: ast.AST) -> Iterator[list[Edit] | None]:
    """Edit sets from the finest to the coarsest."""
    yield _stmt(src, unit, new_unit, True)
    src.parens = True
    yield _stmt(src, unit, new_unit, True)
    src.parens = False
    yield _stmt(src, unit, new_unit, False)
    yield _run(src, [unit], [new_unit])
