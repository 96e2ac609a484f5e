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

from harvester.seed import structure

Mutant = structure.Mutant
Variant = structure.Variant
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


def _walker(variants: Callable[[ast.AST], list[Variant]]) -> Modifier:
    def modifier(unit: ast.AST, rng: random.Random) -> Iterator[Mutant]:
        if isinstance(unit, structure.DEFS):
            yield from _mutants(unit, variants)
    return modifier


# name -> modifier; function modifiers skip classes and class modifiers skip functions.
MODIFIERS: dict[str, Modifier] = {
    "op-change": _walker(_op_change),
    "op-flip": _walker(_op_flip),
    "op-swap": _walker(_op_swap),
    "const": _walker(_const),
    "break-chain": _walker(_break_chain),
    "rm-assign": _walker(structure.statements(structure.drop_assignment)),
    "rm-if": _walker(structure.statements(structure.drop_if)),
    "rm-loop": _walker(structure.statements(structure.drop_loop)),
    "rm-wrapper": _walker(structure.statements(structure.unwrap)),
    "invert-if": _walker(structure.invert_if),
    "shuffle": structure.shuffle,
    "rm-base": structure.rm_base,
    "rm-method": structure.rm_method,
}
