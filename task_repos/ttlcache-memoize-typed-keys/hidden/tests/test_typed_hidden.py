from ttlcache import make_key, memoize


def test_typed_memoize_caches_int_and_float_apart():
    calls = []

    @memoize(typed=True)
    def describe(x):
        calls.append(x)
        return type(x).__name__

    assert [describe(1), describe(1.0), describe(1), describe(True)] == ["int", "float", "int", "bool"]
    assert len(calls) == 3


def test_typed_keys_include_keyword_argument_types():
    assert make_key((), {"x": 1}, typed=True) != make_key((), {"x": 1.0}, typed=True)
    assert make_key((1,), {}, typed=True) != make_key((1.0,), {}, typed=True)


def test_untyped_memoize_shares_equal_arguments():
    calls = []

    @memoize
    def half(x):
        calls.append(x)
        return x / 2

    assert half(4) == half(4.0) == 2
    assert calls == [4]


def test_typed_memoize_still_caches_repeated_calls():
    calls = []

    @memoize(typed=True)
    def double(x):
        calls.append(x)
        return 2 * x

    assert double(3) == double(3) == 6
    assert calls == [3]
