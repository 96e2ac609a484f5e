import pytest

import inikit
from inikit import Config


def test_dumps_layout():
    cfg = Config({"": {"name": "demo"}, "server": {"port": 8080, "debug": False, "ratio": 0.5, "hosts": ["a", "b"]}})
    assert inikit.dumps(cfg) == (
        "name = demo\n"
        "\n"
        "[server]\n"
        "port = 8080\n"
        "debug = false\n"
        "ratio = 0.5\n"
        "hosts = [a, b]\n"
    )


def test_round_trip_keeps_values_and_types():
    text = """
title = Inventory report
[db]
host = "10.0.0.1"
port = 5432
enabled = true
weights = [0.5, 1.5, [2, 3]]
motto = "quick brown fox"
path = 'C:\\data'
"""
    cfg = inikit.loads(text)
    again = inikit.loads(inikit.dumps(cfg))
    assert again == cfg
    assert again["db"]["path"] == "C:\\data"
    dollars = Config({"s": {"price": "costs $5 (${x} is literal)"}})
    assert inikit.loads(inikit.dumps(dollars)) == dollars


def test_dump_writes_a_file(tmp_path):
    path = tmp_path / "out.ini"
    inikit.dump(Config({"s": {"x": 1}}), path)
    assert path.read_text(encoding="utf-8") == "[s]\nx = 1\n"


def test_dumps_rejects_values_it_cannot_write():
    with pytest.raises(TypeError):
        inikit.dumps(Config({"s": {"x": object()}}))
    with pytest.raises(ValueError):
        inikit.dumps(Config({"s": {"x": float("nan")}}))
