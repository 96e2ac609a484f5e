import pytest

import inikit
from inikit import InterpolationError


def test_reference_in_same_section():
    cfg = inikit.loads("[s]\nhost = example.com\nurl = https://${host}/api\n")
    assert cfg["s"]["url"] == "https://example.com/api"


def test_reference_to_another_section_with_dotted_name():
    text = "[server.http]\nport = 8080\n[client]\nurl = \"http://localhost:${server.http.port}\"\n"
    assert inikit.loads(text)["client"]["url"] == "http://localhost:8080"


def test_whole_value_reference_keeps_type():
    cfg = inikit.loads("[a]\nport = 8080\ndebug = on\n[b]\nport = ${a.port}\ndebug = ${a.debug}\n")
    assert cfg["b"] == {"port": 8080, "debug": True}


def test_plain_reference_falls_back_to_root_section():
    cfg = inikit.loads("base = /srv\n[paths]\nlogs = ${base}/logs\n")
    assert cfg["paths"]["logs"] == "/srv/logs"


def test_double_dollar_is_a_literal_dollar():
    cfg = inikit.loads('[s]\nprice = "$$5 or $${x}"\n')
    assert cfg["s"]["price"] == "$5 or ${x}"


def test_references_inside_lists():
    cfg = inikit.loads("[s]\nroot = /data\ndirs = [${root}/a, ${root}/b]\n")
    assert cfg["s"]["dirs"] == ["/data/a", "/data/b"]


def test_unknown_reference_is_an_error():
    with pytest.raises(InterpolationError, match="unknown reference"):
        inikit.loads("[s]\nx = ${nope}\n")


def test_circular_reference_is_an_error():
    with pytest.raises(InterpolationError, match="circular reference: s.a -> s.b -> s.a"):
        inikit.loads("[s]\na = ${b}\nb = ${a}\n")


def test_interpolation_can_be_turned_off():
    cfg = inikit.loads("[s]\nx = ${y}\n", interpolation=False)
    assert cfg["s"]["x"] == "${y}"
