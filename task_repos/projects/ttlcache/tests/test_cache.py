import pytest

from ttlcache import Cache


def test_set_and_get():
    cache = Cache()
    cache["a"] = 1
    cache.set("b", 2)
    assert cache["a"] == 1
    assert cache.get("b") == 2
    assert len(cache) == 2


def test_missing_keys():
    cache = Cache()
    assert cache.get("nope") is None
    assert cache.get("nope", 0) == 0
    with pytest.raises(KeyError):
        cache["nope"]


def test_least_recently_used_entry_is_evicted():
    cache = Cache(maxsize=3)
    for key in "abc":
        cache[key] = key.upper()
    cache.get("a")
    cache["d"] = "D"
    assert cache.keys() == ["c", "a", "d"]
    assert "b" not in cache


def test_overwriting_updates_value_and_recency():
    cache = Cache(maxsize=2)
    cache["a"] = 1
    cache["b"] = 2
    cache["a"] = 10
    cache["c"] = 3
    assert cache.items() == [("a", 10), ("c", 3)]


def test_peek_and_contains_do_not_touch_recency():
    cache = Cache(maxsize=2)
    cache["a"] = 1
    cache["b"] = 2
    assert cache.peek("a") == 1 and "a" in cache
    assert cache.peek("zzz", "default") == "default"
    cache["c"] = 3
    assert cache.keys() == ["b", "c"]


def test_pop_and_delete():
    cache = Cache()
    cache["a"] = 1
    cache["b"] = 2
    assert cache.pop("a") == 1
    assert cache.pop("a", None) is None
    del cache["b"]
    with pytest.raises(KeyError):
        del cache["b"]
    assert len(cache) == 0


def test_get_or_set_calls_the_factory_once_and_caches_none():
    cache = Cache()
    calls = []

    def factory():
        calls.append(1)
        return None

    assert cache.get_or_set("k", factory) is None
    assert cache.get_or_set("k", factory) is None
    assert len(calls) == 1


def test_resize_evicts_least_recently_used():
    cache = Cache(maxsize=4)
    for i in range(4):
        cache[i] = i
    cache.resize(maxsize=2)
    assert cache.keys() == [2, 3]
    cache.resize(maxsize=None)
    for i in range(10):
        cache[i] = i
    assert len(cache) == 10


def test_invalid_arguments():
    with pytest.raises(ValueError):
        Cache(maxsize=0)
    with pytest.raises(ValueError):
        Cache(ttl=0)
    with pytest.raises(ValueError):
        Cache().set("a", 1, ttl=-1)


def test_clear_keeps_statistics():
    cache = Cache()
    cache["a"] = 1
    cache.get("a")
    cache.clear()
    assert len(cache) == 0 and cache.weight == 0
    assert cache.stats().hits == 1
