"""The Cache class."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from .stats import CacheStats

_MISSING: Any = object()


@dataclass
class _Entry:
    value: Any
    weight: float
    ttl: float | None
    expires_at: float | None


class Cache:
    """An in-memory LRU cache with optional TTLs and a weight limit.

    maxsize bounds the number of entries and maxweight the sum of weigher(value)
    (an entry weighs 1 without a weigher); least recently used entries are evicted
    first, after any expired ones. ttl is the default lifetime in seconds (None:
    forever). With sliding=True every hit starts the entry's lifetime again.
    on_evict(key, value, reason) is called for each entry the cache drops by
    itself, with reason "capacity" or "expired".
    """

    def __init__(self, maxsize=128, *, ttl=None, maxweight=None, weigher=None,
                 clock=time.monotonic, sliding=False, on_evict=None):
        if maxsize is not None and maxsize < 1:
            raise ValueError("maxsize must be at least 1 (or None for no limit)")
        if ttl is not None and ttl <= 0:
            raise ValueError("ttl must be positive (or None for no expiry)")
        self.maxsize = maxsize
        self.maxweight = maxweight
        self.ttl = ttl
        self.sliding = sliding
        self._weigher = weigher
        self._clock = clock
        self._on_evict = on_evict
        self._data: OrderedDict[Any, _Entry] = OrderedDict()
        self._weight = 0
        self.reset_stats()

    # Lookups

    def get(self, key, default=None):
        """The value for key, or default; a hit makes the entry most recently used."""
        entry = self._live_entry(key)
        if entry is None:
            self._misses += 1
            return default
        self._hits += 1
        self._data.move_to_end(key)
        if self.sliding and entry.ttl is not None:
            entry.expires_at = self._clock() + entry.ttl
        return entry.value

    def __getitem__(self, key):
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __contains__(self, key):
        """Whether key has a live entry; not counted as a lookup, recency unchanged."""
        entry = self._data.get(key)
        return entry is not None and not self._expired(entry, self._clock())

    def peek(self, key, default=None):
        """The value for key without counting a lookup or touching its recency or TTL."""
        entry = self._data.get(key)
        if entry is None or self._expired(entry, self._clock()):
            return default
        return entry.value

    def ttl_remaining(self, key):
        """Seconds until key expires, or None if it never does; KeyError if absent."""
        entry = self._live_entry(key)
        if entry is None:
            raise KeyError(key)
        if entry.expires_at is None:
            return None
        return entry.expires_at - self._clock()

    # Updates

    def set(self, key, value, ttl=_MISSING):
        """Store value; ttl overrides the cache's default lifetime (None: never expires)."""
        ttl = self.ttl if ttl is _MISSING else ttl
        if ttl is not None and ttl <= 0:
            raise ValueError("ttl must be positive (or None for no expiry)")
        weight = self._weigher(value) if self._weigher else 1
        if self.maxweight is not None and weight > self.maxweight:
            raise ValueError(f"value of weight {weight} exceeds maxweight {self.maxweight}")
        if key in self._data:
            self._remove(key)
        expires_at = None if ttl is None else self._clock() + ttl
        self._data[key] = _Entry(value, weight, ttl, expires_at)
        self._weight += weight
        self._shrink()

    def __setitem__(self, key, value):
        self.set(key, value)

    def get_or_set(self, key, factory, ttl=_MISSING):
        """The cached value for key, or factory() stored under key (None is a value too)."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = factory()
            self.set(key, value, ttl)
        return value

    def pop(self, key, default=_MISSING):
        entry = self._live_entry(key)
        if entry is None:
            if default is _MISSING:
                raise KeyError(key)
            return default
        self._remove(key)
        return entry.value

    def __delitem__(self, key):
        self.pop(key)

    def clear(self):
        """Remove every entry; statistics are kept."""
        self._data.clear()
        self._weight = 0

    def expire(self):
        """Drop every expired entry now; return how many were dropped."""
        now = self._clock()
        dead = [key for key, entry in self._data.items() if self._expired(entry, now)]
        for key in dead:
            self._drop(key, "expired")
        return len(dead)

    def resize(self, maxsize=_MISSING, maxweight=_MISSING):
        """Change the limits, evicting entries if the cache is now over them."""
        if maxsize is not _MISSING:
            if maxsize is not None and maxsize < 1:
                raise ValueError("maxsize must be at least 1 (or None for no limit)")
            self.maxsize = maxsize
        if maxweight is not _MISSING:
            self.maxweight = maxweight
        self._shrink()

    # Views

    def __len__(self):
        self.expire()
        return len(self._data)

    def keys(self):
        """Live keys, least recently used first."""
        self.expire()
        return list(self._data)

    def items(self):
        self.expire()
        return [(key, entry.value) for key, entry in self._data.items()]

    def __iter__(self):
        return iter(self.keys())

    @property
    def weight(self):
        return self._weight

    def stats(self):
        return CacheStats(self._hits, self._misses, self._evictions, self._expirations,
                          len(self._data), self._weight)

    def reset_stats(self):
        self._hits = self._misses = self._evictions = self._expirations = 0

    # Internals

    def _expired(self, entry, now):
        return entry.expires_at is not None and now >= entry.expires_at

    def _live_entry(self, key):
        """The entry for key, or None; an expired entry is dropped on the way."""
        entry = self._data.get(key)
        if entry is not None and self._expired(entry, self._clock()):
            self._drop(key, "expired")
            return None
        return entry

    def _remove(self, key):
        entry = self._data.pop(key)
        self._weight -= entry.weight
        return entry

    def _drop(self, key, reason):
        entry = self._remove(key)
        if reason == "expired":
            self._expirations += 1
        else:
            self._evictions += 1
        if self._on_evict is not None:
            self._on_evict(key, entry.value, reason)

    def _over_limit(self):
        if self.maxsize is not None and len(self._data) > self.maxsize:
            return True
        return self.maxweight is not None and self._weight > self.maxweight

    def _shrink(self):
        if self._over_limit():
            self.expire()
        while self._over_limit():
            self._drop(next(iter(self._data)), "capacity")
