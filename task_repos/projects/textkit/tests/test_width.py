import pytest

from textkit.width import display_width, pad, split_width, take_width, truncate


def test_display_width_counts_wide_characters_twice():
    assert display_width("abc") == 3
    assert display_width("日本語") == 6
    assert display_width("café") == 4


def test_display_width_ignores_combining_marks():
    assert display_width("cafe\u0301") == 4


def test_display_width_survives_control_characters():
    assert display_width("a\tb") == 2


def test_take_width_never_splits_a_wide_character():
    assert take_width("日本語", 3) == "日"
    assert take_width("日本語", 4) == "日本"
    assert take_width("abc", 10) == "abc"


def test_split_width_ascii():
    assert split_width("abcdefg", 3) == ["abc", "def", "g"]


def test_truncate_adds_placeholder_only_when_cut():
    assert truncate("hello", 5) == "hello"
    assert truncate("hello world", 8) == "hello w…"
    assert truncate("日本語テキスト", 7) == "日本語…"


def test_pad_by_display_width():
    assert pad("日本", 6) == "日本  "
    assert pad("ab", 5, "right") == "   ab"
    assert pad("ab", 6, "center") == "  ab  "
    assert pad("toolong", 3) == "toolong"


def test_pad_rejects_unknown_alignment():
    with pytest.raises(ValueError, match="unknown alignment"):
        pad("x", 3, "middle")
