from ttlcache import Cache, ManualClock


def test_in_is_false_once_the_entry_has_expired():
    clock = ManualClock()
    cache = Cache(ttl=5, clock=clock)
    cache["session"] = "s1"
    clock.advance(10)
    assert "session" not in cache


def test_peek_returns_the_default_once_the_entry_has_expired():
    clock = ManualClock()
    cache = Cache(clock=clock)
    cache.set("a", 1, ttl=1)
    cache.set("b", 2, ttl=100)
    clock.advance(50)
    assert cache.peek("a") is None
    assert cache.peek("a", "gone") == "gone"
    assert cache.peek("b") == 2


def test_membership_checks_are_not_lookups():
    clock = ManualClock()
    cache = Cache(ttl=5, clock=clock)
    cache["a"] = 1
    assert "a" in cache and cache.peek("a") == 1
    clock.advance(1)
    assert "a" in cache
    assert cache.stats().lookups == 0
