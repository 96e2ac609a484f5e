"""Structural modifiers: remove, unwrap, invert or reorder statements; remove base classes and methods."""

from __future__ import annotations

import ast
import copy
import random
from collections.abc import Callable, Iterator

Mutant = tuple[ast.AST, int]  # (mutated deep copy of the unit, line of the change)
Variant = tuple[int, Callable[[ast.AST], None]]  # (line of the site, in-place change of the node at the site)
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
MAX_SHUFFLED = 10  # statements; shuffling longer bodies makes sprawling, unrealistic diffs


def drop_assignment(stmt: ast.stmt) -> list[ast.stmt] | None:
    assigns = isinstance(stmt, (ast.Assign, ast.AugAssign)) or (isinstance(stmt, ast.AnnAssign) and stmt.value is not None)
    return [] if assigns else None


def drop_if(stmt: ast.stmt) -> list[ast.stmt] | None:
    return [] if isinstance(stmt, ast.If) else None


def drop_loop(stmt: ast.stmt) -> list[ast.stmt] | None:
    return [] if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)) else None


def statements(replace: Callable[[ast.stmt], list[ast.stmt] | None]) -> Callable[[ast.AST], list[Variant]]:
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


def unwrap(stmt: ast.stmt) -> list[ast.stmt] | None:
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return list(stmt.body)
    if isinstance(stmt, (ast.Try, ast.TryStar)):
        return [*stmt.body, *stmt.orelse, *stmt.finalbody]
    return None


def invert_if(node: ast.AST) -> list[Variant]:
    if not isinstance(node, ast.If) or not node.orelse:
        return []
    if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):  # an elif: swapping would nest the chain
        return []
    return [(node.lineno, _swap_branches)]


def _swap_branches(target: ast.If) -> None:
    target.body, target.orelse = target.orelse, target.body


def shuffle(unit: ast.AST, rng: random.Random) -> Iterator[Mutant]:
    """Shuffle the function's top-level statements (its docstring stays first)."""
    if not isinstance(unit, DEFS):
        return
    start = 1 if ast.get_docstring(unit, clean=False) is not None else 0
    body = unit.body[start:]
    if not 2 <= len(body) <= MAX_SHUFFLED or len({ast.dump(stmt) for stmt in body}) < 2:
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
        if isinstance(stmt, DEFS):
            twin = copy.deepcopy(unit)
            del twin.body[i]
            twin.body = [_CallsToNone(stmt.name).visit(s) for s in twin.body] or [ast.Pass()]
            yield twin, stmt.lineno
