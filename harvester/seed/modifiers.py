"""Procedural bug modifiers: each turns one function or class into mutated copies, one per site it can change.

A modifier is `(unit, rng) -> Iterator[(mutated deep copy of unit, line of the change)]`; it never touches
`unit` itself. Function modifiers see functions and methods, class modifiers see classes.
"""

from __future__ import annotations

import ast
import copy
import itertools
import random
from collections.abc import Callable, Iterator

Mutant = tuple[ast.AST, int]
Variant = tuple[int, Callable[[ast.AST], None]]  # (line of the site, in-place change of the node at the site)
Modifier = Callable[[ast.AST, random.Random], Iterator[Mutant]]

FAMILIES: tuple[tuple[type, ...], ...] = (
    (ast.Add, ast.Sub), (ast.Mult, ast.Div, ast.FloorDiv, ast.Mod), (ast.BitAnd, ast.BitOr, ast.BitXor),
    (ast.LShift, ast.RShift), (ast.Lt, ast.LtE), (ast.Gt, ast.GtE))
FLIPS: dict[type, type] = {
    ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE, ast.LtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.And: ast.Or, ast.Or: ast.And}
# Swapping these operands rarely changes behaviour (numbers, sets, identity), so it is not tried.
SYMMETRIC = (ast.Mult, ast.BitAnd, ast.BitOr, ast.BitXor, ast.Eq, ast.NotEq, ast.Is, ast.IsNot)
CONST_PARENTS = (ast.BinOp, ast.Compare, ast.Subscript, ast.Slice, ast.UnaryOp, ast.AugAssign, ast.Call)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _mutants(unit: ast.AST, variants: Callable[[ast.AST], list[Variant]]) -> Iterator[Mutant]:
    """One deep copy of `unit` per (site, variant) that `variants` offers, sites in ast.walk order."""
    for index, node in enumerate(ast.walk(unit)):
        for number, (line, _) in enumerate(variants(node)):
            twin = copy.deepcopy(unit)
            target = next(itertools.islice(ast.walk(twin), index, None))
            variants(target)[number][1](target)
            yield twin, line


def _family(op: ast.AST) -> list[type]:
    return next(([cls for cls in family if cls is not type(op)] for family in FAMILIES if type(op) in family), [])


def _setter(field: str, value_of: Callable[[], ast.AST], index: int | None = None):
    def apply(target: ast.AST) -> None:
        if index is None:
            setattr(target, field, value_of())
        else:
            getattr(target, field)[index] = value_of()
    return apply


def _op_change(node: ast.AST) -> list[Variant]:
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        return [(node.lineno, _setter("op", cls)) for cls in _family(node.op)]
    if isinstance(node, ast.Compare):
        return [(node.lineno, _setter("ops", cls, i)) for i, op in enumerate(node.ops) for cls in _family(op)]
    return []


def _op_flip(node: ast.AST) -> list[Variant]:
    if isinstance(node, ast.Compare):
        return [(node.lineno, _setter("ops", FLIPS[type(op)], i))
                for i, op in enumerate(node.ops) if type(op) in FLIPS]
    if isinstance(node, ast.BoolOp):
        return [(node.lineno, _setter("op", FLIPS[type(node.op)]))]
    return []


def _swap(target: ast.AST) -> None:
    if isinstance(target, ast.BinOp):
        target.left, target.right = target.right, target.left
    else:
        target.left, target.comparators[0] = target.comparators[0], target.left


def _op_swap(node: ast.AST) -> list[Variant]:
    if isinstance(node, ast.BinOp) and not isinstance(node.op, SYMMETRIC):
        operands = node.left, node.right
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and not isinstance(node.ops[0], SYMMETRIC):
        operands = node.left, node.comparators[0]
    else:
        return []
    return [(node.lineno, _swap)] if ast.dump(operands[0]) != ast.dump(operands[1]) else []


def _is_int(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int


def _int(value: int) -> ast.expr:
    """An int literal as the parser builds it (a negative one is a unary minus)."""
    return ast.UnaryOp(ast.USub(), ast.Constant(-value)) if value < 0 else ast.Constant(value)


def _const(node: ast.AST) -> list[Variant]:
    if not isinstance(node, CONST_PARENTS):
        return []
    found = []
    for field, value in ast.iter_fields(node):
        if isinstance(node, ast.Call) and field != "args":
            continue
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, child in items:
            if _is_int(child):
                for delta in (1, -1):
                    found.append((child.lineno, _setter(field, lambda v=child.value + delta: _int(v), index)))
    return found


def _break_chain(node: ast.AST) -> list[Variant]:
    found: list[Variant] = []
    if isinstance(node, ast.BinOp) and isinstance(node.left, ast.BinOp):
        found.append((node.lineno, lambda t: setattr(t, "left", t.left.left)))
    if isinstance(node, ast.BinOp) and isinstance(node.right, ast.BinOp):
        found.append((node.lineno, lambda t: setattr(t, "right", t.right.right)))
    if isinstance(node, ast.BoolOp) and len(node.values) >= 3:
        found += [(node.lineno, lambda t, i=i: t.values.pop(i)) for i in range(len(node.values))]
    return found


def _statements(replace: Callable[[ast.stmt], list[ast.stmt] | None]) -> Callable[[ast.AST], list[Variant]]:
    """Variants that replace one statement of a block by `replace(stmt)` (None: not this statement)."""
    def variants(node: ast.AST) -> list[Variant]:
        found = []
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for i, stmt in enumerate(block):
                if isinstance(stmt, ast.stmt) and replace(stmt) is not None:
                    found.append((stmt.lineno, lambda t, f=field, i=i: _splice_block(t, f, i, replace)))
        return found
    return variants


def _splice_block(target: ast.AST, field: str, index: int, replace) -> None:
    block = getattr(target, field)
    block[index:index + 1] = replace(block[index])
    if not block and field != "orelse":  # a body may not be empty; an else may simply go away
        block.append(ast.Pass())


def _unwrap(stmt: ast.stmt) -> list[ast.stmt] | None:
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return list(stmt.body)
    if isinstance(stmt, (ast.Try, ast.TryStar)):
        return [*stmt.body, *stmt.orelse, *stmt.finalbody]
    return None


def _invert_if(node: ast.AST) -> list[Variant]:
    if not isinstance(node, ast.If) or not node.orelse:
        return []
    if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):  # an elif: swapping would nest the chain
        return []
    return [(node.lineno, _swap_branches)]


def _swap_branches(target: ast.If) -> None:
    target.body, target.orelse = target.orelse, target.body


def shuffle(unit: ast.AST, rng: random.Random) -> Iterator[Mutant]:
    """Shuffle the function's top-level statements (its docstring stays first)."""
    if not isinstance(unit, _DEFS):
        return
    start = 1 if ast.get_docstring(unit, clean=False) is not None else 0
    body = unit.body[start:]
    if len(body) < 2 or len({ast.dump(stmt) for stmt in body}) < 2:
        return
    order = list(range(len(body)))
    while order == sorted(order):
        rng.shuffle(order)
    twin = copy.deepcopy(unit)
    twin.body[start:] = [twin.body[start + i] for i in order]
    yield twin, body[0].lineno


def rm_base(unit: ast.AST, rng: random.Random) -> Iterator[Mutant]:
    """Remove one base class (never `object`)."""
    if isinstance(unit, ast.ClassDef):
        for i, base in enumerate(unit.bases):
            if not (isinstance(base, ast.Name) and base.id == "object"):
                twin = copy.deepcopy(unit)
                del twin.bases[i]
                yield twin, unit.lineno


class _CallsToNone(ast.NodeTransformer):
    """`self.name(...)` and `cls.name(...)` become `None`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == self.name and isinstance(func.value, ast.Name)
                and func.value.id in ("self", "cls")):
            return ast.Constant(None)
        return node


def rm_method(unit: ast.AST, rng: random.Random) -> Iterator[Mutant]:
    """Remove one method; calls to it through self/cls become `None`."""
    if not isinstance(unit, ast.ClassDef):
        return
    for i, stmt in enumerate(unit.body):
        if isinstance(stmt, _DEFS):
            twin = copy.deepcopy(unit)
            del twin.body[i]
            twin.body = [_CallsToNone(stmt.name).visit(s) for s in twin.body] or [ast.Pass()]
            yield twin, stmt.lineno


def _walker(variants: Callable[[ast.AST], list[Variant]]) -> Modifier:
    def modifier(unit: ast.AST, rng: random.Random) -> Iterator[Mutant]:
        if isinstance(unit, _DEFS):
            yield from _mutants(unit, variants)
    return modifier


# name -> modifier; function modifiers skip classes and class modifiers skip functions.
MODIFIERS: dict[str, Modifier] = {
    "op-change": _walker(_op_change),
    "op-flip": _walker(_op_flip),
    "op-swap": _walker(_op_swap),
    "const": _walker(_const),
    "break-chain": _walker(_break_chain),
    "rm-assign": _walker(_statements(lambda s: [] if isinstance(s, (ast.Assign, ast.AugAssign)) or (
        isinstance(s, ast.AnnAssign) and s.value is not None) else None)),
    "rm-if": _walker(_statements(lambda s: [] if isinstance(s, ast.If) else None)),
    "rm-loop": _walker(_statements(lambda s: [] if isinstance(s, (ast.For, ast.AsyncFor, ast.While)) else None)),
    "rm-wrapper": _walker(_statements(_unwrap)),
    "invert-if": _walker(_invert_if),
    "shuffle": shuffle,
    "rm-base": rm_base,
    "rm-method": rm_method,
}
