"""Display width of text as a terminal shows it."""

from wcwidth import wcswidth, wcwidth

ALIGNMENTS = ("left", "right", "center")


def char_width(ch: str) -> int:
    """Cells taken by one character: 2 for wide, 0 for combining and control characters."""
    width = wcwidth(ch)
    return width if width > 0 else 0


def display_width(text: str) -> int:
    """Cells taken by `text` on a terminal."""
    width = wcswidth(text)
    if width >= 0:
        return width
    # wcswidth gives up on the whole string at the first control character.
    return sum(char_width(ch) for ch in text)


def take_width(text: str, width: int) -> str:
    """Longest prefix of `text` that fits in `width` cells."""
    used = 0
    for index, ch in enumerate(text):
        used += char_width(ch)
        if used > width:
            return text[:index]
    return text


def split_width(text: str, width: int) -> list:
    """Cut `text` into pieces of at most `width` cells.

    A character wider than `width` still gets a piece of its own, so the
    result never loses text and the loop always makes progress.
    """
    if width < 1:
        raise ValueError(f"width must be at least 1, got {width}")
    pieces = []
    rest = text
    while rest:
        piece = take_width(rest, width) or rest[0]
        pieces.append(piece)
        rest = rest[len(piece):]
    return pieces


def truncate(text: str, width: int, placeholder: str = "…") -> str:
    """Shorten `text` to `width` cells, ending with `placeholder` when something was cut."""
    if width < 0:
        raise ValueError(f"width must not be negative, got {width}")
    if display_width(text) <= width:
        return text
    room = width - display_width(placeholder)
    if room < 0:
        return take_width(placeholder, width)
    return take_width(text, room) + placeholder


def pad(text: str, width: int, align: str = "left", fillchar: str = " ") -> str:
    """Pad `text` with `fillchar` to `width` cells; text already as wide is returned unchanged."""
    if align not in ALIGNMENTS:
        raise ValueError(f"unknown alignment {align!r}; expected one of {', '.join(ALIGNMENTS)}")
    if display_width(fillchar) != 1:
        raise ValueError(f"fillchar must be one cell wide, got {fillchar!r}")
    gap = width - display_width(text)
    if gap <= 0:
        return text
    if align == "left":
        return text + fillchar * gap
    if align == "right":
        return fillchar * gap + text
    left = gap // 2
    return fillchar * left + text + fillchar * (gap - left)
