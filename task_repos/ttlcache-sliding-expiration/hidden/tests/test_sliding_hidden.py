import pytest

from ttlcache import Cache, ManualClock, memoize


@pytest.fixture
def clock():
    return ManualClock()


def test_each_hit_restarts_the_lifetime(clock):
    sessions = Cache(ttl=10, clock=clock, sliding=True)
    sessions["alice"] = {"user": "alice"}
    for _ in range(3):
        clock.advance(8)
        assert sessions.get("alice") is not None
    clock.advance(10)
    assert sessions.get("alice") is None


def test_sliding_uses_the_entry_own_ttl(clock):
    cache = Cache(ttl=10, clock=clock, sliding=True)
    cache.set("short", 1, ttl=3)
    clock.advance(2)
    assert cache["short"] == 1
    clock.advance(2)
    assert cache["short"] == 1
    assert cache.ttl_remaining("short") == 3
    clock.advance(3.5)
    assert cache.get("short") is None


def test_peek_and_in_do_not_extend_the_lifetime(clock):
    cache = Cache(ttl=10, clock=clock, sliding=True)
    cache["a"] = 1
    clock.advance(8)
    assert cache.peek("a") == 1 and "a" in cache
    clock.advance(3)
    assert cache.get("a") is None


def test_memoized_hits_slide_too(clock):
    calls = []

    @memoize(cache=Cache(ttl=5, clock=clock, sliding=True))
    def load(key):
        calls.append(key)
        return key.upper()

    for _ in range(4):
        load("x")
        clock.advance(4)
    assert calls == ["x"]


def test_entries_without_ttl_never_expire(clock):
    cache = Cache(clock=clock, sliding=True)
    cache["a"] = 1
    clock.advance(10**6)
    assert cache["a"] == 1


def test_reads_do_not_slide_by_default(clock):
    cache = Cache(ttl=10, clock=clock)
    cache["a"] = 1
    clock.advance(8)
    assert cache["a"] == 1
    clock.advance(3)
    assert cache.get("a") is None
