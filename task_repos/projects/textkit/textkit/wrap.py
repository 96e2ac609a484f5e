"""Greedy word wrapping and full justification by display width."""

import re

from textkit.width import display_width, pad, split_width

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _break_word(word: str, width: int) -> list:
    """Pieces of a word too wide for one line."""
    return split_width(word, width)


def wrap(text: str, width: int) -> list:
    """Wrap `text` into lines of at most `width` cells.

    Runs of whitespace collapse to one space. A word wider than `width` is
    broken across lines.
    """
    if width < 1:
        raise ValueError(f"width must be at least 1, got {width}")
    lines = []
    current = []
    used = 0
    for word in text.split():
        word_width = display_width(word)
        if word_width > width:
            if current:
                lines.append(" ".join(current))
            *full, last = _break_word(word, width)
            lines.extend(full)
            current, used = [last], display_width(last)
        elif current and used + 1 + word_width <= width:
            current.append(word)
            used += 1 + word_width
        else:
            if current:
                lines.append(" ".join(current))
            current, used = [word], word_width
    if current:
        lines.append(" ".join(current))
    return lines


def justify(line: str, width: int) -> str:
    """Spread the words of `line` so it is exactly `width` cells wide.

    Extra spaces go to the leftmost gaps first. A single word is padded on the
    right; a line that is already too wide is returned with single spaces.
    """
    words = line.split()
    if not words:
        return " " * width
    if len(words) == 1:
        return pad(words[0], width)
    gaps = len(words) - 1
    spaces = width - sum(display_width(word) for word in words)
    if spaces < gaps:
        return " ".join(words)
    base, extra = divmod(spaces, gaps)
    parts = []
    for index, word in enumerate(words[:-1]):
        parts.append(word)
        parts.append(" " * (base + (1 if index < extra else 0)))
    parts.append(words[-1])
    return "".join(parts)


def paragraphs(text: str) -> list:
    """Paragraphs of `text`, split on blank lines; empty ones are dropped."""
    return [part for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def fill(text: str, width: int, justified: bool = False) -> str:
    """Wrap every paragraph of `text`; paragraphs stay separated by a blank line.

    With `justified`, every line but the last of each paragraph is justified.
    """
    blocks = []
    for paragraph in paragraphs(text):
        lines = wrap(paragraph, width)
        if justified:
            lines = [justify(line, width) for line in lines[:-1]] + lines[-1:]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
