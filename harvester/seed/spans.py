"""Source positions of AST nodes and the smallest expression-level edits between two trees of one statement."""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize

Edit = tuple[int, int, str]  # (start offset, end offset, replacement) in the original text
_SYMBOLS: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
    ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.MatMult: "@",
    ast.And: "and", ast.Or: "or", ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
    ast.GtE: ">=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
# Expressions that never need parentheses where another expression stood.
_ATOMS = (ast.Name, ast.Constant, ast.Attribute, ast.Subscript, ast.Call, ast.List, ast.Dict, ast.Set, ast.ListComp,
          ast.DictComp, ast.SetComp, ast.JoinedStr)


class Source:
    """The original text, its line offsets, and the unit's statements and expressions by tree dump."""

    def __init__(self, text: str, unit: ast.AST) -> None:
        self.text = text
        self.lines = re.findall(r"[^\n]*\n|[^\n]+\Z", text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.unit = unit
        self.parens = False  # wrap re-rendered compound expressions in parentheses

    @functools.cached_property
    def stmts(self) -> dict[str, ast.stmt]:
        """The unit's statements by tree dump (to reuse their original text when they move)."""
        return {ast.dump(node): node for node in ast.walk(self.unit) if isinstance(node, ast.stmt)}

    @functools.cached_property
    def exprs(self) -> dict[str, ast.expr]:
        """The unit's expressions by tree dump (to reuse their original spelling when they move)."""
        return {ast.dump(node): node for node in ast.walk(self.unit) if isinstance(node, ast.expr)}

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
        top = first_line(first)
        decorators = getattr(first, "decorator_list", [])
        column = min(decorators, key=lambda d: d.lineno).col_offset - 1 if decorators else first.col_offset
        before = self.text[self.starts[top - 1]:self.offset(top, column)]
        after = self.text[self.span(last)[1]:self.starts[last.end_lineno]].strip()
        if before.strip() or (after and not after.startswith("#")):
            return None
        return self.starts[top - 1], self.starts[last.end_lineno]

    def colon(self, node: ast.AST) -> int | None:
        """Offset of the colon that ends the header of the compound statement `node`."""
        start, depth = self.span(node)[0], 0
        try:
            for tok in tokenize.generate_tokens(io.StringIO(self.text[start:]).readline):
                if tok.type != tokenize.OP:
                    continue
                depth += (tok.string in "([{") - (tok.string in ")]}")
                if tok.string == ":" and depth == 0:
                    row, col = tok.start
                    return start + col if row == 1 else self.starts[node.lineno + row - 2] + col
        except (tokenize.TokenError, SyntaxError):
            return None
        return None


def first_line(node: ast.AST) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def same(a: object, b: object) -> bool:
    """Equal as trees (what ast.dump compares), without building the dumps."""
    if type(a) is not type(b):
        return False
    if isinstance(a, ast.AST):
        return all(same(getattr(a, f, None), getattr(b, f, None)) for f in a._fields)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return a == b


def positioned(node: object) -> bool:
    return isinstance(node, ast.AST) and getattr(node, "end_col_offset", None) is not None


def fields(src: Source, o: ast.AST, m: ast.AST, skip: tuple[str, ...] = ()) -> list[Edit] | None:
    """Edits for the differing fields of two nodes of one type, each as small as possible; None if impossible."""
    edits: list[Edit] = []
    for field, a in ast.iter_fields(o):
        b = getattr(m, field)
        if field in skip or same(a, b):
            continue
        pairs = list(zip(a, b)) if isinstance(a, list) and isinstance(b, list) and len(a) == len(b) else [(a, b)]
        for x, y in pairs:
            if not same(x, y):
                sub = expression(src, x, y) if positioned(x) and isinstance(y, ast.AST) else None
                if sub is None:
                    return None
                edits += sub
    return edits


def expression(src: Source, o: ast.AST, m: ast.AST) -> list[Edit] | None:
    """Edits turning expression `o` into `m`: operators alone, else changed children, else `o` re-rendered."""
    if type(o) is type(m):
        inner = operators(src, o, m)
        inner = inner if inner is not None else fields(src, o, m)
        if inner is not None:
            return inner
    if isinstance(o, ast.stmt) or not positioned(o):
        return None
    start, end = src.span(o)
    return [(start, end, render(src, m))]


def render(src: Source, node: ast.AST) -> str:
    """An expression's text: its original spelling when it is an original expression (moved operands)."""
    original = src.exprs.get(ast.dump(node))
    if original is not None:
        first, last = src.span(original)
        text = src.text[first:last]
    else:
        text = ast.unparse(node)
    return f"({text})" if src.parens and not isinstance(node, _ATOMS) else text


def operators(src: Source, o: ast.AST, m: ast.AST) -> list[Edit] | None:
    """When only operators differ: replace each operator token between its operands, nothing else."""
    if isinstance(o, ast.BinOp):
        olds, news, operands = [o.op], [m.op], [o.left, o.right]
    elif isinstance(o, ast.AugAssign):
        olds, news, operands = [o.op], [m.op], [o.target, o.value]
    elif isinstance(o, ast.BoolOp):
        olds, news, operands = [o.op] * (len(o.values) - 1), [m.op] * (len(m.values) - 1), o.values
    elif isinstance(o, ast.Compare):
        olds, news, operands = o.ops, m.ops, [o.left, *o.comparators]
    else:
        return None
    rest = [f for f in o._fields if f not in ("op", "ops")]
    if len(olds) != len(news) or not all(same(getattr(o, f), getattr(m, f)) for f in rest):
        return None
    suffix = "=" if isinstance(o, ast.AugAssign) else ""
    edits = []
    for old, new, left, right in zip(olds, news, operands, operands[1:]):
        if type(old) is not type(new):
            gap_start, gap_end = src.span(left)[1], src.span(right)[0]
            pattern = r"\s+".join(re.escape(word) for word in (_SYMBOLS[type(old)] + suffix).split())
            found = list(re.finditer(rf"(?<![\w=<>!*/]){pattern}(?![\w=<>*/])", src.text[gap_start:gap_end]))
            if len(found) != 1:
                return None
            edits.append((gap_start + found[0].start(), gap_start + found[0].end(), _SYMBOLS[type(new)] + suffix))
    return edits
