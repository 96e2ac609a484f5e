"""Hide revealing tests: remove test functions (by node id) from the visible copies of their files."""

from __future__ import annotations

import ast

from harvester import pysource
from harvester.junit import id_file

Key = tuple[str, tuple[str, ...]]  # (file, (class..., function name))


def test_key(node_id: str) -> Key:
    """(file, class path + function name) of a node id; parametrizations share a key."""
    parts = node_id.partition("[")[0].split("::")
    return id_file(node_id), tuple(parts[1:])


def _drop_ranges(body: list[ast.stmt], names: set[tuple[str, ...]], prefix: tuple[str, ...]) -> tuple[list, set]:
    """(line ranges to delete, names found) for the functions of `names` in a block, classes emptied whole."""
    ranges, found = [], set()
    for node in body:
        path = prefix + (getattr(node, "name", ""),)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and path in names:
            ranges.append(node)
            found.add(path)
        elif isinstance(node, ast.ClassDef):
            inner, inner_found = _drop_ranges(node.body, names, path)
            found |= inner_found
            left = [n for n in node.body if n not in inner and not _trivial(n)]
            ranges += [node] if inner and not left else inner
    return ranges, found


def _trivial(node: ast.stmt) -> bool:
    return isinstance(node, ast.Pass) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))


def _first(node: ast.AST) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def strip_tests(text: str, functions: set[tuple[str, ...]]) -> tuple[str, set[tuple[str, ...]]]:
    """The file without the given test functions (and the blank lines before each); also which were found."""
    tree = pysource.parse(text)
    nodes, found = _drop_ranges(tree.body, functions, ())
    lines = text.splitlines(keepends=True)
    for node in sorted(nodes, key=_first, reverse=True):
        top, bottom = _first(node) - 1, node.end_lineno
        start = top
        while top > 0 and not lines[top - 1].strip():
            top -= 1
        if top == start or top == 0:  # nothing blank before it: take the blank lines after it instead
            top = start
            while bottom < len(lines) and not lines[bottom].strip():
                bottom += 1
        del lines[top:bottom]
    return "".join(lines), found


def hide(texts: dict[str, str], failing: list[str]) -> tuple[dict[str, str], set[Key]] | str:
    """Visible versions of the test files holding `failing` tests, and every test key removed.

    Returns a one-line reason instead when a failing test cannot be found (defined in another file).
    """
    wanted: dict[str, set[tuple[str, ...]]] = {}
    for node_id in failing:
        path, names = test_key(node_id)
        wanted.setdefault(path, set()).add(names)
    visible = {}
    for path, names in sorted(wanted.items()):
        if path not in texts:
            return f"cannot hide {path}: not a test file of the project"
        stripped, found = strip_tests(texts[path], names)
        missing = sorted(names - found)
        if missing:
            return f"cannot hide {path}::{'::'.join(missing[0])}: not defined in that file"
        visible[path] = stripped
    return visible, {(path, names) for path, group in wanted.items() for names in group}
