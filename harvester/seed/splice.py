"""Minimal rewrites: put a mutated function or class back into its file by changing only the smallest region.

The smallest changed expression is re-rendered with ast.unparse when that is enough, else the smallest statement
or compound-statement header, else the changed run of statements, else the whole unit. Every attempt is parsed
back and compared with the intended tree, so a rewrite is either exactly the mutation or None.
"""

from __future__ import annotations

import ast
import copy
import difflib
import io
import re
import tokenize

Edit = tuple[int, int, str]  # (start offset, end offset, replacement) in the original text
BLOCKS = ("body", "orelse", "finalbody", "handlers")
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class _Source:
    """The original text, its line offsets, and the statements of the unit by tree dump."""

    def __init__(self, text: str, unit: ast.AST) -> None:
        self.text = text
        self.lines = re.findall(r"[^\n]*\n|[^\n]+\Z", text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.originals = {ast.dump(node): node for node in ast.walk(unit) if isinstance(node, ast.stmt)}

    def offset(self, line: int, col: int) -> int:
        """String offset of a (1-based line, UTF-8 byte column) position."""
        return self.starts[line - 1] + len(self.lines[line - 1].encode()[:col].decode(errors="ignore"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        return self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset)

    def indent(self, line: int) -> str:
        text = self.lines[line - 1]
        return text[:len(text) - len(text.lstrip())].rstrip("\n")

    def blank(self, line: int) -> bool:
        return 1 <= line <= len(self.lines) and not self.lines[line - 1].strip()

    def whole_lines(self, first: ast.AST, last: ast.AST) -> tuple[int, int] | None:
        """The line range from `first` (decorators included) to `last`, if nothing else shares those lines."""
        top = _first_line(first)
        before = self.text[self.starts[top - 1]:self.offset(top, _first_col(first))]
        after = self.text[self.span(last)[1]:self.starts[last.end_lineno]].strip()
        if before.strip() or (after and not after.startswith("#")):
            return None
        return self.starts[top - 1], self.starts[last.end_lineno]


def _first_line(node: ast.AST) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def _first_col(node: ast.AST) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min(decorators, key=lambda d: d.lineno).col_offset - 1 if decorators else node.col_offset


def _same(a: object, b: object) -> bool:
    if isinstance(a, ast.AST) and isinstance(b, ast.AST):
        return ast.dump(a) == ast.dump(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _positioned(node: object) -> bool:
    return isinstance(node, ast.AST) and getattr(node, "end_col_offset", None) is not None


def _fields(src: _Source, o: ast.AST, m: ast.AST, skip: tuple[str, ...]) -> list[Edit] | None:
    """Edits for the differing fields of two nodes of one type, each as small as possible."""
    edits: list[Edit] = []
    for field, a in ast.iter_fields(o):
        b = getattr(m, field)
        if field in skip or _same(a, b):
            continue
        pairs = list(zip(a, b)) if isinstance(a, list) and isinstance(b, list) and len(a) == len(b) else [(a, b)]
        for x, y in pairs:
            if not _same(x, y):
                sub = _expr(src, x, y) if _positioned(x) and isinstance(y, ast.AST) else None
                if sub is None:
                    return None
                edits += sub
    return edits


def _expr(src: _Source, o: ast.AST, m: ast.AST) -> list[Edit] | None:
    if type(o) is type(m):
        inner = _fields(src, o, m, ())
        if inner is not None:
            return inner
    if isinstance(o, ast.stmt) or not _positioned(o):
        return None
    start, end = src.span(o)
    return [(start, end, ast.unparse(m))]


def _header_text(m: ast.AST) -> str:
    head = copy.copy(m)
    for field in BLOCKS:
        if isinstance(getattr(head, field, None), list):
            setattr(head, field, [ast.Pass()] if field == "body" else [])
    if isinstance(head, _DEFS):
        head.decorator_list = []
    return ast.unparse(head).split("\n")[0].removesuffix(":")


def _colon(src: _Source, node: ast.AST) -> int | None:
    """Offset of the colon that ends the header of the compound statement `node`."""
    start, depth = src.span(node)[0], 0
    reader = io.StringIO(src.text[start:])
    try:
        for tok in tokenize.generate_tokens(reader.readline):
            if tok.type != tokenize.OP:
                continue
            depth += (tok.string in "([{") - (tok.string in ")]}")
            if tok.string == ":" and depth == 0:
                row, col = tok.start
                return start + col if row == 1 else src.starts[node.lineno + row - 2] + col
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def _header(src: _Source, o: ast.AST, m: ast.AST, fine: bool) -> list[Edit] | None:
    edits = _fields(src, o, m, BLOCKS + ("decorator_list",)) if fine else None
    if edits is not None:
        return edits
    if isinstance(o, _DEFS) and not _same(o.decorator_list, m.decorator_list):
        return None
    start, end = src.span(o)
    if not isinstance(getattr(o, "body", None), list):
        return [(start, end, ast.unparse(m))]
    colon = _colon(src, o)
    if colon is None:
        return None
    text = _header_text(m)
    return [(start, colon, "el" + text if src.text.startswith("elif", start) else text)]


def _stmt(src: _Source, o: ast.AST, m: ast.AST, fine: bool) -> list[Edit] | None:
    """Edits turning statement `o` into `m` (same type), or None when it must be rewritten whole."""
    if type(o) is not type(m):
        return None
    edits: list[Edit] = []
    for field in BLOCKS:
        a, b = getattr(o, field, None), getattr(m, field, None)
        if isinstance(a, list) and not _same(a, b):
            sub = _block(src, a, b, fine)
            if sub is None:
                return None
            edits += sub
    if any(not _same(getattr(o, f), getattr(m, f)) for f in o._fields if f not in BLOCKS):
        sub = _header(src, o, m, fine)
        if sub is None:
            return None
        edits += sub
    return edits


def _key(node: ast.AST) -> str:
    return f"def {node.name}" if isinstance(node, _DEFS) else ast.dump(node)


def _block(src: _Source, old: list, new: list, fine: bool) -> list[Edit] | None:
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


def _pairs(src: _Source, old: list, new: list, fine: bool) -> list[Edit] | None:
    edits: list[Edit] = []
    for o, m in zip(old, new):
        if _same(o, m):
            continue
        one = _stmt(src, o, m, fine)
        one = one if one is not None else _run(src, [o], [m])
        if one is None:
            return None
        edits += one
    return edits


def _delete(src: _Source, run: list) -> list[Edit] | None:
    lines = src.whole_lines(run[0], run[-1])
    if lines is None:
        return None
    start, end = lines
    top, bottom = _first_line(run[0]), run[-1].end_lineno
    if src.blank(top - 1) and (src.blank(bottom + 1) or bottom == len(src.lines)):  # one gap remains, not two
        while src.blank(top - 1):
            top -= 1
        start = src.starts[top - 1]
    return [(start, end, "")]


def _render(src: _Source, node: ast.AST, indent: str) -> str:
    """A statement at `indent`: its original text when it is an original statement, else unparsed."""
    original = src.originals.get(ast.dump(node))
    lines = src.whole_lines(original, original) if original is not None else None
    if lines is None:
        text, old = ast.unparse(node) + "\n", ""
    else:
        text, old = src.text[lines[0]:lines[1]], src.indent(_first_line(original))
    out = []
    for line in text.splitlines(keepends=True):
        body = line[len(old):] if line.startswith(old) else line
        out.append(indent + body if body.strip() else body)
    return "".join(out) if text.endswith("\n") else "".join(out) + "\n"


def _run(src: _Source, old: list, new: list) -> list[Edit] | None:
    """Rewrite a run of whole statements."""
    if not old:
        return None
    if not new:
        return _delete(src, old)
    lines = src.whole_lines(old[0], old[-1])
    if lines is None:
        return None
    indent = src.indent(_first_line(old[0]))
    return [(lines[0], lines[1], "".join(_render(src, node, indent) for node in new))]


def _apply(text: str, edits: list[Edit]) -> str | None:
    out, cursor = [], 0
    for start, end, replacement in sorted(edits):
        if start < cursor:
            return None
        out += [text[cursor:start], replacement]
        cursor = end
    return "".join(out) + text[cursor:]


def _tree_dump(text: str) -> str | None:
    try:
        return ast.dump(ast.parse(text))
    except (SyntaxError, ValueError):
        return None


def rewrite(text: str, module: ast.Module, unit: ast.AST, new_unit: ast.AST) -> str | None:
    """`text` (parsed as `module`) with `unit` replaced by `new_unit`, changing as little text as possible."""
    holder = next((block for node in ast.walk(module) for field in BLOCKS
                   if isinstance(block := getattr(node, field, None), list) and any(s is unit for s in block)), None)
    if holder is None:
        return None
    index = next(i for i, s in enumerate(holder) if s is unit)
    holder[index] = new_unit
    try:
        expected = ast.dump(module)
    finally:
        holder[index] = unit
    src = _Source(text, unit)
    for attempt in (lambda: _stmt(src, unit, new_unit, True), lambda: _stmt(src, unit, new_unit, False),
                    lambda: _run(src, [unit], [new_unit])):
        edits = attempt()
        result = _apply(text, edits) if edits is not None else None
        if result is not None and result != text and _tree_dump(result) == expected:
            return result
    return None
