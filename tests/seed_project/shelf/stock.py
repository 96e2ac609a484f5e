"""A shelf holding counted items."""


class ShelfError(Exception):
    """Base of the errors of this package."""


class OutOfStock(ShelfError):
    """Taking more of an item than the shelf holds."""


class Shelf:
    """Counts of named items, with a capacity."""

    def __init__(self, capacity=100):
        if capacity < 1:
            raise ShelfError("capacity must be at least 1")
        self.capacity = capacity
        self._counts = {}

    def add(self, name, count=1):
        """Put `count` of `name` on the shelf; refuse to go over capacity."""
        if count <= 0:
            raise ShelfError("count must be positive")
        if self.total() + count > self.capacity:
            raise ShelfError(f"no room for {count} more {name}")
        self._counts[name] = self._counts.get(name, 0) + count

    def take(self, name, count=1):
        """Take `count` of `name` off the shelf."""
        have = self._counts.get(name, 0)
        if count > have:
            raise OutOfStock(f"only {have} {name} left")
        if have == count:
            del self._counts[name]
        else:
            self._counts[name] = have - count

    def count(self, name):
        return self._counts.get(name, 0)

    def total(self):
        total = 0
        for count in self._counts.values():
            total += count
        return total

    def low(self, threshold=2):
        """Names with at most `threshold` left, alphabetically."""
        return sorted(name for name, count in self._counts.items() if count <= threshold)
