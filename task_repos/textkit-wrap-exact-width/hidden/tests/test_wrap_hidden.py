import io

from textkit.cli import main
from textkit.width import display_width
from textkit.wrap import fill, wrap


def test_wrap_fills_line_to_exact_width():
    assert wrap("aaa bbb ccc", 7) == ["aaa bbb", "ccc"]
    assert wrap("the quick brown fox", 9) == ["the quick", "brown fox"]


def test_wrap_exact_width_with_wide_characters():
    assert wrap("日本 語 テキ", 7) == ["日本 語", "テキ"]


def test_fill_uses_the_full_width():
    text = "one two three four five six"
    result = fill(text, 13, justified=True)
    assert result == "one two three\nfour five six"
    assert all(display_width(line) <= 13 for line in result.splitlines())


def test_cli_wrap_exact_width():
    out = io.StringIO()
    assert main(["wrap", "--width", "10"], stdin=io.StringIO("alpha beta gamma delta"), stdout=out) == 0
    assert out.getvalue() == "alpha beta\ngamma\ndelta\n"


def test_wrap_moves_word_that_would_overflow():
    assert wrap("aaa bbbb", 7) == ["aaa", "bbbb"]


def test_wrap_single_word_of_exact_width():
    assert wrap("abcdefg", 7) == ["abcdefg"]
