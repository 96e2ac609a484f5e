"""Column alignment for plain-text tables."""

import re

from textkit.width import display_width, pad

_ALIGN_CODES = {"l": "left", "r": "right", "c": "center"}
_WHITESPACE_RUN = re.compile(r"\s+")


def _alignments(spec, columns: int) -> list:
    """Expand a spec like ``"lrc"`` to one alignment per column; the last code repeats."""
    if not spec:
        return ["left"] * columns
    unknown = sorted(set(spec) - set(_ALIGN_CODES))
    if unknown:
        raise ValueError(f"unknown alignment code(s) {''.join(unknown)!r}; use l, r or c")
    codes = list(spec[:columns])
    codes += codes[-1:] * (columns - len(codes))
    return [_ALIGN_CODES[code] for code in codes]


def _normalize(rows) -> list:
    """Rows as lists of strings, ragged rows padded with empty cells."""
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    columns = max((len(row) for row in cells), default=0)
    return [row + [""] * (columns - len(row)) for row in cells]


def column_widths(rows) -> list:
    """Display width of the widest cell in each column."""
    cells = _normalize(rows)
    if not cells:
        return []
    return [max(display_width(row[i]) for row in cells) for i in range(len(cells[0]))]


def align_columns(rows, align=None, sep: str = "  ") -> list:
    """Lines with the cells of `rows` padded into columns.

    `align` holds one code per column: ``l`` (left), ``r`` (right) or
    ``c`` (center). Trailing spaces are stripped from each line.
    """
    cells = _normalize(rows)
    widths = column_widths(cells)
    aligns = _alignments(align, len(widths))
    lines = []
    for row in cells:
        padded = [pad(cell, widths[i], aligns[i]) for i, cell in enumerate(row)]
        lines.append(sep.join(padded).rstrip())
    return lines


def render_table(rows, header: bool = True, align=None, sep: str = "  ") -> str:
    """A whole table as text; with `header`, the first row is underlined with dashes."""
    lines = align_columns(rows, align=align, sep=sep)
    if header and lines:
        widths = column_widths(rows)
        rule = sep.join("-" * width for width in widths)
        lines.insert(1, rule)
    return "\n".join(lines)


def parse_delimited(text: str, delimiter=None) -> list:
    """Split `text` into rows of cells on `delimiter`, or on runs of whitespace when None.

    Blank lines are skipped; cells are stripped.
    """
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if delimiter is None:
            rows.append(_WHITESPACE_RUN.split(line.strip()))
        else:
            rows.append([cell.strip() for cell in line.split(delimiter)])
    return rows
