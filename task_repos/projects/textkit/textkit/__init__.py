"""Small text utilities: counts, wrapping, column alignment and slugs.

Widths are display widths (terminal cells), so East Asian wide characters
count as two and combining marks as zero.
"""

from textkit.counts import TextStats, count_chars, count_lines, count_words, stats, word_frequencies
from textkit.slug import slugify
from textkit.table import align_columns, parse_delimited, render_table
from textkit.width import display_width, pad, split_width, take_width, truncate
from textkit.wrap import fill, justify, wrap

__version__ = "0.4.1"

__all__ = [
    "TextStats",
    "align_columns",
    "count_chars",
    "count_lines",
    "count_words",
    "display_width",
    "fill",
    "justify",
    "pad",
    "parse_delimited",
    "render_table",
    "slugify",
    "split_width",
    "stats",
    "take_width",
    "truncate",
    "word_frequencies",
    "wrap",
]
