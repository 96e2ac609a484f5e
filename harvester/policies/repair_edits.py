"""Mutation rules of the repair policy: AST nodes in, single-line text edits out."""

from __future__ import annotations

import ast
import tokenize
from collections.abc import Callable, Iterator

Edit = tuple[int, int, int, str, str, int]  # line, start col, end col, replacement, kind, rank

_FLIPS: dict[type, list[tuple[str, int]]] = {
    ast.Lt: [("<=", 0), (">", 1), (">=", 1)],
    ast.LtE: [("<", 0), (">=", 1), (">", 1)],
    ast.Gt: [(">=", 0), ("<", 1), ("<=", 1)],
    ast.GtE: [(">", 0), ("<=", 1), ("<", 1)],
    ast.Eq: [("!=", 0)],
    ast.NotEq: [("==", 0)],
    ast.In: [("not in", 0)],
    ast.NotIn: [("in", 0)],
    ast.Is: [("is not", 0)],
    ast.IsNot: [("is", 0)],
}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
           ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>"}
_NON_COMMUTATIVE = (ast.Sub, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift)
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)
_ATOMS = (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant)


class SourceIndex:
    """One file's lines, operator tokens and parent links, to turn nodes into text edits."""

    def __init__(self, source: list[str], tree: ast.AST, tokens: list[tokenize.TokenInfo]) -> None:
        self.source = source
        self.tokens = [t for t in tokens if t.type in (tokenize.OP, tokenize.NAME) and t.string not in "()"]
        self.parent = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def col(self, line: int, byte_offset: int) -> int:
        """ast offsets count UTF-8 bytes; edits count characters."""
        return len(self.source[line - 1].encode("utf-8")[:byte_offset].decode("utf-8", "replace"))

    def span(self, node: ast.AST) -> tuple[int, int, int] | None:
        """(line, start, end) in characters when the node sits on one line."""
        if node.lineno != node.end_lineno:
            return None
        return node.lineno, self.col(node.lineno, node.col_offset), self.col(node.lineno, node.end_col_offset)

    def text(self, node: ast.AST, wrap: bool = False) -> str:
        line, start, end = self.span(node) or (0, 0, 0)
        text = self.source[line - 1][start:end] if line else ""
        return f"({text})" if wrap and not isinstance(node, _ATOMS) else text

    def between(self, left: ast.AST, right: ast.AST) -> tuple[int, int, int] | None:
        """Span of the operator tokens between two operands, when on one line."""
        begin = (left.end_lineno, self.col(left.end_lineno, left.end_col_offset))
        stop = (right.lineno, self.col(right.lineno, right.col_offset))
        inside = [t for t in self.tokens if begin <= t.start and t.end <= stop]
        if not inside or inside[0].start[0] != inside[-1].end[0]:
            return None
        return inside[0].start[0], inside[0].start[1], inside[-1].end[1]

    def edits(self, node: ast.AST) -> Iterator[Edit]:
        rule = _RULES.get(type(node))
        if rule is not None:
            yield from rule(self, node)
        if isinstance(node, (ast.If, ast.While, ast.IfExp)):
            yield from _negate(self, node.test)
        if isinstance(node, ast.comprehension):
            for condition in node.ifs:
                yield from _negate(self, condition)


def _compare(index: SourceIndex, node: ast.Compare) -> Iterator[Edit]:
    operands = [node.left, *node.comparators]
    for i, op in enumerate(node.ops):
        span = index.between(operands[i], operands[i + 1])
        for symbol, rank in _FLIPS[type(op)] if span else []:
            yield (*span, symbol, "flip-comparison", rank)
    whole = index.span(node)
    if whole and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
        symbol = "in" if isinstance(node.ops[0], ast.In) else "not in"
        swapped = f"{index.text(node.comparators[0], True)} {symbol} {index.text(node.left, True)}"
        yield (*whole, swapped, "swap-operands", 2)


def _bool_op(index: SourceIndex, node: ast.BoolOp) -> Iterator[Edit]:
    other = "or" if isinstance(node.op, ast.And) else "and"
    for left, right in zip(node.values, node.values[1:], strict=False):
        span = index.between(left, right)
        if span:
            yield (*span, other, "boolean-operator", 0)


def _unary(index: SourceIndex, node: ast.UnaryOp) -> Iterator[Edit]:
    span = index.span(node)
    if span and isinstance(node.op, ast.Not):
        line, start, _ = span
        text = index.source[line - 1]
        end = start + 3
        while end < len(text) and text[end] == " ":
            end += 1
        yield line, start, end, "", "negation", 0


def _bin_op(index: SourceIndex, node: ast.BinOp) -> Iterator[Edit]:
    whole, symbol = index.span(node), _SYMBOL.get(type(node.op))
    if whole is None or symbol is None:
        return
    if isinstance(node.op, _NON_COMMUTATIVE) and not _is_int(node.left) and not _is_int(node.right):
        swapped = f"{index.text(node.right, True)} {symbol} {index.text(node.left, True)}"
        yield (*whole, swapped, "swap-operands", 1)
    if _is_int(node.right, 1) and isinstance(node.op, (ast.Add, ast.Sub)):
        yield (*whole, index.text(node.left, True), "off-by-one", 1)
    span = index.between(node.left, node.right)
    if span and isinstance(node.op, (ast.Add, ast.Sub)):
        yield (*span, "-" if isinstance(node.op, ast.Add) else "+", "operator", 2)


def _constant(index: SourceIndex, node: ast.Constant) -> Iterator[Edit]:
    span = index.span(node)
    if span is None:
        return
    if isinstance(node.value, bool):
        yield (*span, str(not node.value), "constant", 1)
    elif isinstance(node.value, int):
        parent = index.parent.get(node)
        yield (*span, str(node.value + 1), "constant", 1)
        if node.value > 1 or (node.value == 1 and not isinstance(parent, ast.BinOp)):
            yield (*span, str(node.value - 1), "constant", 1)
        if node.value == 0 and isinstance(parent, (ast.Subscript, ast.Slice)):
            yield (*span, "-1", "constant", 2)


def _slice(index: SourceIndex, node: ast.Slice) -> Iterator[Edit]:
    yield from _shift(index, [node.lower, node.upper])


def _call(index: SourceIndex, node: ast.Call) -> Iterator[Edit]:
    if isinstance(node.func, ast.Name) and node.func.id == "range" and 1 <= len(node.args) <= 3:
        yield from _shift(index, node.args[:2])


def _shift(index: SourceIndex, bounds: list[ast.expr | None]) -> Iterator[Edit]:
    """Off-by-one on bounds that are not already a constant or `x ± constant`."""
    for bound in bounds:
        if bound is None or isinstance(bound, ast.Constant) or _is_offset(bound):
            continue
        span = index.span(bound)
        if span:
            arithmetic = isinstance(bound, ast.BinOp) and isinstance(bound.op, _ARITHMETIC)
            text = index.text(bound, wrap=not arithmetic)
            yield (*span, f"{text} + 1", "off-by-one", 1)
            yield (*span, f"{text} - 1", "off-by-one", 1)


def _aug_assign(index: SourceIndex, node: ast.AugAssign) -> Iterator[Edit]:
    """Off-by-one on a counter step such as `n += len(days)`."""
    if isinstance(node.op, (ast.Add, ast.Sub)):
        yield from _shift(index, [node.value])


def _negate(index: SourceIndex, test: ast.expr) -> Iterator[Edit]:
    """Add `not` to a condition (a flip already covers a plain comparison; removal covers `not x`)."""
    span = index.span(test)
    if span and not isinstance(test, (ast.Compare, ast.UnaryOp)):
        yield (*span, f"not {index.text(test, True)}", "negation", 1)


def _is_int(node: ast.AST, value: int | None = None) -> bool:
    return (isinstance(node, ast.Constant) and type(node.value) is int
            and (value is None or node.value == value))


def _is_offset(node: ast.AST) -> bool:
    return isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)) and _is_int(node.right)


_RULES: dict[type, Callable[[SourceIndex, ast.AST], Iterator[Edit]]] = {
    ast.Compare: _compare, ast.BoolOp: _bool_op, ast.UnaryOp: _unary, ast.BinOp: _bin_op,
    ast.Constant: _constant, ast.Slice: _slice, ast.Call: _call, ast.AugAssign: _aug_assign,
}
