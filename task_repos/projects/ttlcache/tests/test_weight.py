import pytest

from ttlcache import Cache


def test_weight_limit_evicts_least_recently_used():
    cache = Cache(maxsize=None, maxweight=10, weigher=len)
    cache["a"] = "xxxx"
    cache["b"] = "yyyy"
    cache["c"] = "zzz"
    assert cache.keys() == ["b", "c"]
    assert cache.weight == 7


def test_weight_follows_replacements_and_removals():
    cache = Cache(maxweight=100, weigher=len)
    cache["a"] = "x" * 10
    cache["a"] = "x" * 3
    cache["b"] = "y" * 5
    assert cache.weight == 8
    cache.pop("b")
    assert cache.weight == 3


def test_value_heavier_than_the_limit_is_rejected():
    cache = Cache(maxweight=5, weigher=len)
    with pytest.raises(ValueError, match="exceeds maxweight"):
        cache["big"] = "x" * 6
    assert len(cache) == 0


def test_entries_weigh_one_without_a_weigher():
    cache = Cache(maxsize=None, maxweight=3)
    for i in range(5):
        cache[i] = "anything"
    assert cache.keys() == [2, 3, 4]


def test_resize_weight_limit():
    cache = Cache(maxweight=20, weigher=len)
    cache["a"] = "x" * 8
    cache["b"] = "y" * 8
    cache.resize(maxweight=9)
    assert cache.keys() == ["b"]
