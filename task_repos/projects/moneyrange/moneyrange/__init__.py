"""moneyrange: money with currencies, and date ranges."""

from .currency import CURRENCIES, UnknownCurrency, minor_units, quantum
from .dates import DateRange, add_business_days, is_business_day, nth_business_day
from .money import CurrencyMismatch, Money
from .zones import UnknownZone, day_length, elapsed, local_date, local_midnight, range_duration, to_local

__all__ = [
    "CURRENCIES",
    "CurrencyMismatch",
    "DateRange",
    "Money",
    "UnknownCurrency",
    "UnknownZone",
    "add_business_days",
    "day_length",
    "elapsed",
    "is_business_day",
    "local_date",
    "local_midnight",
    "minor_units",
    "nth_business_day",
    "quantum",
    "range_duration",
    "to_local",
]
__version__ = "0.9.1"
