import pytest

from textkit.table import align_columns, parse_delimited, render_table


def test_align_columns_left_by_default():
    rows = [["name", "qty"], ["apple", "3"], ["kiwi", "12"]]
    assert align_columns(rows) == ["name   qty", "apple  3", "kiwi   12"]


def test_align_columns_with_codes_and_separator():
    rows = [["x", "1.5"], ["long", "10.25"]]
    assert align_columns(rows, align="lr", sep=" | ") == ["x    |   1.5", "long | 10.25"]


def test_align_columns_pads_ragged_rows():
    assert align_columns([["a", "b", "c"], ["dd"]]) == ["a   b  c", "dd"]


def test_align_columns_uses_display_width():
    rows = [["東京", "1"], ["Paris", "2"]]
    assert align_columns(rows) == ["東京   1", "Paris  2"]


def test_align_columns_rejects_bad_codes():
    with pytest.raises(ValueError, match="unknown alignment"):
        align_columns([["a"]], align="x")


def test_render_table_underlines_header():
    table = render_table([["id", "name"], ["1", "Ada"]])
    assert table == "id  name\n--  ----\n1   Ada"


def test_parse_delimited():
    assert parse_delimited("a, b ,c\n\n1,2,3\n", ",") == [["a", "b", "c"], ["1", "2", "3"]]
    assert parse_delimited("x   y\n z w ") == [["x", "y"], ["z", "w"]]
