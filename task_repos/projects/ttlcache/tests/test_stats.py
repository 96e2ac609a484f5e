from ttlcache import Cache, CacheStats, ManualClock


def test_hits_misses_and_hit_rate():
    cache = Cache()
    cache["a"] = 1
    cache.get("a")
    cache.get("a")
    cache.get("b")
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.lookups) == (2, 1, 3)
    assert stats.hit_rate == 2 / 3
    assert CacheStats().hit_rate == 0.0


def test_peek_is_not_a_lookup():
    cache = Cache()
    cache["a"] = 1
    cache.peek("a")
    cache.peek("b")
    assert cache.stats().lookups == 0


def test_evictions_and_expirations_are_counted_apart():
    clock = ManualClock()
    cache = Cache(maxsize=2, ttl=5, clock=clock)
    cache["a"] = 1
    cache["b"] = 2
    cache["c"] = 3
    clock.advance(6)
    cache.get("b")
    stats = cache.stats()
    assert (stats.evictions, stats.expirations, stats.misses) == (1, 1, 1)


def test_reset_stats_and_str():
    cache = Cache(maxsize=5)
    cache["a"] = 1
    cache.get("a")
    assert str(cache.stats()) == "hits=1 misses=0 hit_rate=100.0% evictions=0 expirations=0 size=1"
    cache.reset_stats()
    assert cache.stats() == CacheStats(size=1, weight=1)
