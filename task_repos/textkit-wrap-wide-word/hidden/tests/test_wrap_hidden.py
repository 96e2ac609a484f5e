import io

from textkit.cli import main
from textkit.width import display_width
from textkit.wrap import fill, wrap


def test_wrap_splits_wide_word_by_display_width():
    lines = wrap("これは長い日本語の文です", 10)
    assert lines == ["これは長い", "日本語の文", "です"]
    assert "".join(lines) == "これは長い日本語の文です"


def test_wrap_mixed_width_word():
    lines = wrap("abc日本語def", 4)
    assert lines == ["abc", "日本", "語de", "f"]
    assert all(display_width(line) <= 4 for line in lines)


def test_wrap_wide_word_narrower_than_one_character():
    assert wrap("日本", 1) == ["日", "本"]


def test_cli_wrap_japanese_paragraph():
    out = io.StringIO()
    text = "吾輩は猫である。名前はまだ無い。"
    assert main(["wrap", "--width", "12"], stdin=io.StringIO(text), stdout=out) == 0
    lines = out.getvalue().splitlines()
    assert lines == ["吾輩は猫であ", "る。名前はま", "だ無い。"]


def test_fill_wide_word_continues_with_following_words():
    assert fill("日本語テキスト ok", 6) == "日本語\nテキス\nト ok"


def test_wrap_long_ascii_word_unchanged():
    assert wrap("abcdefghij xy", 4) == ["abcd", "efgh", "ij", "xy"]
