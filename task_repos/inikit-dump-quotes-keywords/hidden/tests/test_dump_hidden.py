import inikit
from inikit import Config


def round_trip(values):
    cfg = Config({"s": values})
    return inikit.loads(inikit.dumps(cfg))["s"]


def test_strings_that_look_like_booleans_stay_strings():
    values = {"a": "yes", "b": "off", "c": "true", "d": "No"}
    assert round_trip(values) == values
    assert inikit.dumps(Config({"s": {"a": "yes"}})) == '[s]\na = "yes"\n'


def test_strings_with_comment_characters_survive():
    values = {"a": "see #12", "b": "x ; y", "c": "#hashtag"}
    assert round_trip(values) == values


def test_padded_multiline_and_bracketed_strings_survive():
    values = {"a": "  padded  ", "b": "line one\nline two", "c": "[not a list]", "d": ""}
    assert round_trip(values) == values


def test_plain_words_are_written_without_quotes():
    assert inikit.dumps(Config({"s": {"name": "web-01", "path": "/srv/app"}})) == "[s]\nname = web-01\npath = /srv/app\n"


def test_number_like_strings_stay_strings():
    values = {"a": "42", "b": "3.5", "c": "0x10"}
    assert round_trip(values) == values
