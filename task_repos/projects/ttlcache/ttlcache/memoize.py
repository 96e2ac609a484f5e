"""Caching a function's results."""

import functools

from .cache import Cache

_KWARGS_MARK = ("__kwargs__",)


def make_key(args, kwargs, typed=False):
    """A hashable key for one call; keyword order does not matter.

    With typed=True arguments of different types are cached apart,
    so f(1) and f(1.0) are two calls even though 1 == 1.0.
    """
    key = tuple(args)
    items = sorted(kwargs.items())
    if items:
        key += _KWARGS_MARK + tuple(items)
    if typed:
        key += tuple(type(arg) for arg in args) + tuple(type(value) for _, value in items)
    return key


def memoize(func=None, *, cache=None, typed=False, key=None):
    """Cache a function's results in `cache` (a new Cache() by default).

    Use as @memoize or @memoize(cache=Cache(ttl=60), typed=True). key(*args, **kwargs)
    replaces the default key. The wrapper gets .cache and .cache_clear().
    Exceptions are not cached.
    """

    def decorate(function):
        store = cache if cache is not None else Cache()

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            call_key = key(*args, **kwargs) if key is not None else make_key(args, kwargs, typed)
            return store.get_or_set(call_key, lambda: function(*args, **kwargs))

        wrapper.cache = store
        wrapper.cache_clear = store.clear
        return wrapper

    if func is not None:
        return decorate(func)
    return decorate
