import pytest

from ttlcache import Cache, ManualClock


def test_entry_is_gone_exactly_when_its_ttl_runs_out():
    clock = ManualClock(100.0)
    cache = Cache(ttl=30, clock=clock)
    cache["token"] = "abc"
    clock.advance(30)
    assert cache.get("token") is None
    with pytest.raises(KeyError):
        cache.ttl_remaining("token")


def test_per_entry_ttl_boundary():
    clock = ManualClock()
    cache = Cache(clock=clock)
    cache.set("a", 1, ttl=2)
    clock.advance(2)
    assert "a" not in cache
    assert cache.peek("a") is None


def test_expire_drops_entries_at_the_boundary():
    clock = ManualClock()
    cache = Cache(ttl=5, clock=clock)
    cache["a"] = 1
    cache["b"] = 2
    clock.advance(5)
    assert cache.expire() == 2
    assert len(cache) == 0


def test_entry_is_live_just_before_its_ttl():
    clock = ManualClock()
    cache = Cache(ttl=30, clock=clock)
    cache["token"] = "abc"
    clock.advance(29.999)
    assert cache.get("token") == "abc"
