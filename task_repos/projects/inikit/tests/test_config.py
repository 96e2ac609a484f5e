import pytest

import inikit

TEXT = """
[app]
workers = 4
ratio = 0.75
verbose = yes
name = demo
tags = web, api , , internal
timeout = "30"
"""


@pytest.fixture
def cfg():
    return inikit.loads(TEXT)


def test_typed_getters(cfg):
    assert cfg.getint("app", "workers") == 4
    assert cfg.getint("app", "timeout") == 30
    assert cfg.getfloat("app", "ratio") == 0.75
    assert cfg.getfloat("app", "workers") == 4.0
    assert cfg.getbool("app", "verbose") is True
    assert cfg.getstr("app", "workers") == "4"


def test_getters_reject_wrong_types(cfg):
    with pytest.raises(ValueError, match="app.name"):
        cfg.getint("app", "name")
    with pytest.raises(TypeError):
        cfg.getint("app", "verbose")
    with pytest.raises(ValueError):
        cfg.getbool("app", "name")


def test_missing_values_use_default_or_raise(cfg):
    assert cfg.getint("app", "missing", 7) == 7
    assert cfg.value("nosection", "x", None) is None
    with pytest.raises(KeyError, match="app.missing"):
        cfg.value("app", "missing")


def test_getlist_splits_strings_on_commas(cfg):
    assert cfg.getlist("app", "tags") == ["web", "api", "internal"]
    assert cfg.getlist("app", "workers") == [4]


def test_config_is_a_read_only_mapping(cfg):
    assert cfg.sections() == ["app"]
    assert "app" in cfg and len(cfg) == 1
    with pytest.raises(TypeError):
        cfg["other"] = {}
