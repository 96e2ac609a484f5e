"""Counters describing how a cache has been used."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CacheStats:
    """A snapshot of a cache's counters."""

    hits: int = 0
    misses: int = 0
    evictions: int = 0
    expirations: int = 0
    size: int = 0
    weight: float = 0

    @property
    def lookups(self):
        return self.hits + self.misses

    @property
    def hit_rate(self):
        """Fraction of lookups that were hits; 0.0 before any lookup."""
        return self.hits / self.lookups if self.lookups else 0.0

    def __str__(self):
        return (
            f"hits={self.hits} misses={self.misses} hit_rate={self.hit_rate:.1%} "
            f"evictions={self.evictions} expirations={self.expirations} size={self.size}"
        )
