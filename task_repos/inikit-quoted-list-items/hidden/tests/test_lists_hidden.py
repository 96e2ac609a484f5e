import inikit
from inikit import Config


def test_comma_inside_a_quoted_item():
    cfg = inikit.loads('[search]\nterms = ["red, white", \'and, blue\', plain]\n')
    assert cfg["search"]["terms"] == ["red, white", "and, blue", "plain"]


def test_brackets_inside_quoted_items():
    cfg = inikit.loads('[s]\none_line = ["x]", "[y"]\npatterns = [\n    "[0-9]+",\n    "x]",\n]\nafter = 1\n')
    assert cfg["s"] == {"one_line": ["x]", "[y"], "patterns": ["[0-9]+", "x]"], "after": 1}


def test_list_of_strings_with_commas_round_trips():
    cfg = Config({"s": {"items": ["a, b", "[c]", "d"]}})
    assert inikit.loads(inikit.dumps(cfg)) == cfg


def test_simple_quoted_items():
    assert inikit.loads('[s]\nx = ["a", \'b\', [1, 2]]\n')["s"]["x"] == ["a", "b", [1, 2]]
