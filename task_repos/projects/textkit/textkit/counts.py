"""Line, word and character counts in the spirit of `wc`."""

import re
from collections import Counter
from dataclasses import dataclass

from textkit.width import display_width

_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class TextStats:
    """Counts for one text."""

    lines: int
    words: int
    chars: int
    bytes: int
    longest_line: int


def count_lines(text: str) -> int:
    """Number of lines; a last line without a trailing newline still counts."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def count_words(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


def count_chars(text: str, include_whitespace: bool = True) -> int:
    """Number of characters (code points), optionally leaving whitespace out."""
    if include_whitespace:
        return len(text)
    return sum(1 for ch in text if not ch.isspace())


def longest_line(text: str) -> int:
    """Display width of the widest line."""
    return max((display_width(line) for line in text.splitlines()), default=0)


def stats(text: str) -> TextStats:
    """All counts for `text` at once."""
    return TextStats(
        lines=count_lines(text),
        words=count_words(text),
        chars=count_chars(text),
        bytes=len(text.encode("utf-8")),
        longest_line=longest_line(text),
    )


def word_frequencies(text: str, top=None, ignore_case: bool = True) -> list:
    """(word, count) pairs, most frequent first; ties in alphabetical order."""
    words = _WORD.findall(text.casefold() if ignore_case else text)
    ranked = sorted(Counter(words).items(), key=lambda item: (-item[1], item[0]))
    return ranked if top is None else ranked[:top]
