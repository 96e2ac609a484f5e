import pytest

from textkit.wrap import fill, justify, wrap


def test_wrap_breaks_between_words():
    text = "the quick brown fox jumps over the lazy dog"
    assert wrap(text, 16) == ["the quick brown", "fox jumps over", "the lazy dog"]


def test_wrap_collapses_whitespace():
    assert wrap("a   b\n\nc", 20) == ["a b c"]


def test_wrap_splits_long_ascii_word():
    assert wrap("see supercalifragilistic go", 8) == ["see", "supercal", "ifragili", "stic go"]


def test_wrap_counts_wide_characters():
    assert wrap("日本 語 テキスト", 8) == ["日本 語", "テキスト"]


def test_wrap_rejects_zero_width():
    with pytest.raises(ValueError):
        wrap("text", 0)


def test_justify_puts_extra_spaces_on_the_left():
    assert justify("a bb ccc", 13) == "a    bb   ccc"


def test_justify_single_word_and_overflow():
    assert justify("word", 6) == "word  "
    assert justify("too many words", 5) == "too many words"


def test_fill_keeps_paragraphs_and_justifies():
    text = "aa bb cc dd ee\n\nlast one"
    assert fill(text, 9, justified=True) == "aa  bb cc\ndd ee\n\nlast one"
