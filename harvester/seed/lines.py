"""Whole-line edits: delete, rewrite or drop runs of statements, keeping blank-line rhythm and indentation."""

from __future__ import annotations

import ast

from harvester.seed.spans import Edit, Source, first_line


def drop_else(src: Source, o: ast.AST, block: list) -> list[Edit] | None:
    """Delete an else branch with its `else:` line (an elif is a statement of its own)."""
    if src.text.startswith("elif", src.span(block[0])[0]):
        return delete_run(src, block)
    top = first_line(block[0]) - 1
    while top > o.body[-1].end_lineno and not src.lines[top - 1].strip().startswith("else"):
        top -= 1
    lines = src.whole_lines(block[-1], block[-1])
    if top <= o.body[-1].end_lineno or lines is None:
        return None
    return [(src.starts[top - 1], lines[1], "")]


def delete_run(src: Source, stmts: list) -> list[Edit] | None:
    lines = src.whole_lines(stmts[0], stmts[-1])
    if lines is None:
        return None
    start, end = lines
    top, bottom = first_line(stmts[0]), stmts[-1].end_lineno
    if src.blank(top - 1) and (src.blank(bottom + 1) or bottom == len(src.lines)):  # one gap remains, not two
        while src.blank(top - 1):
            top -= 1
        start = src.starts[top - 1]
    elif top > 1 and src.lines[top - 2].rstrip().endswith(":"):  # first in its block: no gap under the header
        while src.blank(bottom + 1):
            bottom += 1
        end = src.starts[bottom]
    return [(start, end, "")]


def _unparsed(node: ast.AST, indent: str) -> str:
    """ast.unparse at `indent`: nested in `if 1:` blocks so that multi-line strings keep their exact lines."""
    depth, rest = divmod(len(indent), 4)
    if rest or indent.strip(" "):  # not a multiple of four spaces: indent every line (verification decides)
        return "".join(indent + line if line.strip() else line
                       for line in (ast.unparse(node) + "\n").splitlines(keepends=True))
    wrapped = node
    for _ in range(depth):
        wrapped = ast.If(test=ast.Constant(1), body=[wrapped], orelse=[])
    return "".join(ast.unparse(wrapped).splitlines(keepends=True)[depth:]) + "\n"


def _render(src: Source, node: ast.AST, indent: str) -> str:
    """A statement at `indent`: its original text when it is an original statement, else unparsed."""
    original = src.stmts.get(ast.dump(node))
    lines = src.whole_lines(original, original) if original is not None else None
    if lines is None:
        return _unparsed(node, indent)
    text, old = src.text[lines[0]:lines[1]], src.indent(first_line(original))
    if text.lstrip().startswith("elif"):  # an elif moved out of its chain stands alone as an if
        text = text.replace("elif", "if", 1)
    out = []
    for line in text.splitlines(keepends=True):
        body = line[len(old):] if line.startswith(old) else line
        out.append(indent + body if body.strip() else body)
    return "".join(out) if text.endswith("\n") else "".join(out) + "\n"


def rewrite_run(src: Source, old: list, new: list) -> list[Edit] | None:
    """Rewrite a run of whole statements."""
    if not old:
        return None
    if not new:
        return delete_run(src, old)
    lines = src.whole_lines(old[0], old[-1])
    if lines is None:
        return None
    indent = src.indent(first_line(old[0]))
    return [(lines[0], lines[1], "".join(_render(src, node, indent) for node in new))]
