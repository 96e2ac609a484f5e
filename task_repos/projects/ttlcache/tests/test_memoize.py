import pytest

from ttlcache import Cache, ManualClock, make_key, memoize


def test_results_are_cached():
    calls = []

    @memoize
    def square(x):
        calls.append(x)
        return x * x

    assert [square(3), square(3), square(4)] == [9, 9, 16]
    assert calls == [3, 4]
    assert square.cache.stats().hits == 1


def test_keyword_order_does_not_matter():
    calls = []

    @memoize()
    def area(width, height):
        calls.append((width, height))
        return width * height

    assert area(width=2, height=3) == area(height=3, width=2) == 6
    assert len(calls) == 1
    assert make_key((), {"a": 1, "b": 2}) == make_key((), {"b": 2, "a": 1})


def test_memoize_with_a_ttl_cache_recomputes_after_expiry():
    clock = ManualClock()
    calls = []

    @memoize(cache=Cache(ttl=60, clock=clock))
    def load(name):
        calls.append(name)
        return f"data:{name}"

    load("x")
    clock.advance(30)
    load("x")
    clock.advance(31)
    load("x")
    assert calls == ["x", "x"]


def test_custom_key_function():
    calls = []

    @memoize(key=lambda user, **options: user.lower())
    def profile(user, verbose=False):
        calls.append(user)
        return user.lower()

    profile("Ada")
    profile("ADA", verbose=True)
    assert calls == ["Ada"]


def test_cache_clear_and_metadata():
    @memoize
    def greet(name):
        """Say hello."""
        return f"hello {name}"

    greet("a")
    greet.cache_clear()
    assert len(greet.cache) == 0
    assert greet.__name__ == "greet"
    assert greet.__doc__ == "Say hello."


def test_exceptions_are_not_cached():
    attempts = []

    @memoize
    def flaky(x):
        attempts.append(x)
        if len(attempts) == 1:
            raise RuntimeError("first call fails")
        return x

    with pytest.raises(RuntimeError):
        flaky(1)
    assert flaky(1) == 1
    assert flaky(1) == 1
    assert attempts == [1, 1]


def test_unhashable_arguments_raise_type_error():
    @memoize
    def total(values):
        return sum(values)

    with pytest.raises(TypeError):
        total([1, 2])
