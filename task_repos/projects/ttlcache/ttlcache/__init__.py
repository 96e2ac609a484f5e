"""ttlcache: an in-memory LRU cache with TTLs, weight limits and statistics."""

from .cache import Cache
from .clock import ManualClock
from .memoize import make_key, memoize
from .stats import CacheStats

__all__ = ["Cache", "CacheStats", "ManualClock", "make_key", "memoize"]
__version__ = "1.3.2"
