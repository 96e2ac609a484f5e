import pytest

from ttlcache import Cache, ManualClock


@pytest.fixture
def clock():
    return ManualClock(1000.0)


def test_entry_expires_after_its_ttl(clock):
    cache = Cache(ttl=10, clock=clock)
    cache["a"] = 1
    clock.advance(9.5)
    assert cache.get("a") == 1
    clock.advance(1)
    assert cache.get("a") is None
    with pytest.raises(KeyError):
        cache["a"]


def test_per_entry_ttl_overrides_default(clock):
    cache = Cache(ttl=10, clock=clock)
    cache.set("short", 1, ttl=2)
    cache.set("forever", 2, ttl=None)
    cache.set("default", 3)
    clock.advance(5)
    assert cache.get("short") is None
    assert cache.get("default") == 3
    clock.advance(1000)
    assert cache.get("default") is None
    assert cache.get("forever") == 2


def test_reads_do_not_extend_the_lifetime_by_default(clock):
    cache = Cache(ttl=10, clock=clock)
    cache["a"] = 1
    clock.advance(6)
    assert cache["a"] == 1
    clock.advance(6)
    assert cache.get("a") is None


def test_overwriting_restarts_the_lifetime(clock):
    cache = Cache(ttl=10, clock=clock)
    cache["a"] = 1
    clock.advance(8)
    cache["a"] = 2
    clock.advance(8)
    assert cache["a"] == 2


def test_ttl_remaining(clock):
    cache = Cache(ttl=30, clock=clock)
    cache["a"] = 1
    cache.set("b", 2, ttl=None)
    clock.advance(12)
    assert cache.ttl_remaining("a") == pytest.approx(18)
    assert cache.ttl_remaining("b") is None
    with pytest.raises(KeyError):
        cache.ttl_remaining("missing")


def test_expire_and_len_drop_dead_entries(clock):
    cache = Cache(clock=clock)
    cache.set("a", 1, ttl=5)
    cache.set("b", 2, ttl=50)
    cache.set("c", 3, ttl=5)
    clock.advance(7)
    assert cache.expire() == 2
    assert cache.expire() == 0
    cache.set("d", 4, ttl=1)
    clock.advance(3)
    assert len(cache) == 1
    assert cache.keys() == ["b"]


def test_expired_entries_go_before_live_ones_when_full(clock):
    evicted = []
    cache = Cache(maxsize=2, clock=clock, on_evict=lambda k, v, reason: evicted.append((k, reason)))
    cache.set("old", 1)
    cache.set("dying", 2, ttl=1)
    clock.advance(2)
    cache.set("new", 3)
    assert evicted == [("dying", "expired")]
    cache.set("newer", 4)
    assert evicted[-1] == ("old", "capacity")
    assert cache.keys() == ["new", "newer"]


def test_manual_clock():
    clock = ManualClock()
    assert clock() == 0.0
    assert clock.advance(2.5) == 2.5
    with pytest.raises(ValueError):
        clock.advance(-1)
