import pytest

import inikit
from inikit import ParseError


def value(text):
    return inikit.loads(f"[s]\nv = {text}\n", interpolation=False)["s"]["v"]


def test_numbers():
    cases = [("42", 42), ("-7", -7), ("1_000", 1000), ("0x1F", 31), ("3.5", 3.5), ("1e3", 1000.0), ("-0.25", -0.25)]
    for text, expected in cases:
        result = value(text)
        assert (result, type(result)) == (expected, type(expected)), text


def test_booleans():
    for text in ["true", "Yes", "on"]:
        assert value(text) is True, text
    for text in ["false", "NO", "off"]:
        assert value(text) is False, text


def test_double_quoted_escapes():
    assert value(r'"tab\there\nnew \u00e9 \\ end"') == "tab\there\nnew \u00e9 \\ end"


def test_single_quoted_strings_are_literal():
    assert value(r"'C:\temp\new'") == r"C:\temp\new"


def test_hash_inside_quotes_is_not_a_comment():
    assert value('"color #fff; bold"  # real comment') == "color #fff; bold"


def test_unquoted_text_stays_a_string():
    assert value("hello   world") == "hello   world"
    assert value("1.2.3") == "1.2.3"
    assert value("") == ""


def test_lists_nested_and_trailing_comma():
    assert value('[1, "two", [3, 4.5], true,]') == [1, "two", [3, 4.5], True]
    assert value("[]") == []


def test_empty_list_item_is_an_error():
    with pytest.raises(ParseError, match="empty list item"):
        value("[1, , 2]")


def test_malformed_strings_are_errors():
    with pytest.raises(ParseError, match="unknown escape"):
        value(r'"bad \q"')
    with pytest.raises(ParseError, match="unterminated string"):
        value('"abc')
    with pytest.raises(ParseError, match="unexpected text after string"):
        value('"abc" def')
