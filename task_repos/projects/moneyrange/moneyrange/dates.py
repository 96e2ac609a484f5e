"""Date ranges, month steps and business days."""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta

_SATURDAY = 5


@dataclass(frozen=True)
class DateRange:
    """The half-open range of days [start, end): end itself is not included."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")

    @classmethod
    def inclusive(cls, first, last):
        """The range from first to last, both included."""
        return cls(first, last + timedelta(days=1))

    @classmethod
    def month(cls, year, month):
        start = date(year, month, 1)
        return cls(start, start + relativedelta(months=1))

    @classmethod
    def parse(cls, text):
        """Read 'YYYY-MM-DD/YYYY-MM-DD' (half-open, like the constructor)."""
        first, sep, second = text.partition("/")
        if not sep:
            raise ValueError(f"expected 'start/end', got {text!r}")
        return cls(isoparse(first.strip()).date(), isoparse(second.strip()).date())

    def __len__(self):
        return (self.end - self.start).days

    def __contains__(self, day):
        return self.start <= day < self.end

    def __iter__(self):
        return (self.start + timedelta(days=i) for i in range(len(self)))

    def __str__(self):
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    def last(self):
        """The last day in the range."""
        if not self:
            raise ValueError("an empty range has no last day")
        return self.end - timedelta(days=1)

    def overlaps(self, other):
        """Whether the two ranges share at least one day."""
        return self.start < other.end and other.start < self.end

    def intersection(self, other):
        """The days in both ranges, or None when they do not overlap."""
        start, end = max(self.start, other.start), min(self.end, other.end)
        return DateRange(start, end) if start < end else None

    def shift(self, **delta):
        """The range moved by a relativedelta, e.g. shift(months=1)."""
        step = relativedelta(**delta)
        return DateRange(self.start + step, self.end + step)

    def step(self, **delta):
        """Days start, start + delta, start + 2 * delta, ... before end.

        Each day is computed from start, so month steps do not drift:
        Jan 31 steps to Feb 29 (in 2024), then Mar 31.
        """
        step = relativedelta(**delta)
        if self.start + step <= self.start:
            raise ValueError("the step must move forward")
        days = []
        i = 0
        while (day := self.start + step * i) < self.end:
            days.append(day)
            i += 1
        return days

    def months(self):
        """The range cut at calendar month boundaries."""
        pieces = []
        start = self.start
        while start < self.end:
            next_month = date(start.year, start.month, 1) + relativedelta(months=1)
            pieces.append(DateRange(start, min(next_month, self.end)))
            start = next_month
        return pieces

    def business_days(self, holidays=()):
        """Weekdays in the range that are not holidays."""
        return [day for day in self if is_business_day(day, holidays)]


def is_business_day(day, holidays=()):
    return day.weekday() < _SATURDAY and day not in holidays


def add_business_days(day, count, holidays=()):
    """The day `count` business days after `day` (before it when count < 0)."""
    direction = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=direction)
        if is_business_day(day, holidays):
            remaining -= 1
    return day


def nth_business_day(year, month, n, holidays=()):
    """The n-th business day of a month: n=1 is the first, n=-1 the last, n=-2 the one before."""
    days = DateRange.month(year, month).business_days(holidays)
    if n == 0 or abs(n) > len(days):
        raise ValueError(f"{year}-{month:02d} has {len(days)} business days, no day number {n}")
    if n < 0:
        n += len(days) + 1
    return days[n - 1]
