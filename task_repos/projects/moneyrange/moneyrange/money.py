"""Money: a Decimal amount in a currency."""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import total_ordering

from .currency import check_currency, minor_units, quantum, symbol


class CurrencyMismatch(ValueError):
    """An operation mixed two currencies."""


def _to_decimal(value):
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            result = Decimal(repr(value) if isinstance(value, float) else value)
        except InvalidOperation:
            raise ValueError(f"invalid amount {value!r}") from None
    else:
        raise TypeError(f"amount must be a Decimal, int, float or str, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"amount must be finite, got {value!r}")
    return result


@total_ordering
@dataclass(frozen=True)
class Money:
    """An exact amount of one currency. Arithmetic keeps full precision; round explicitly."""

    amount: Decimal
    currency: str

    def __post_init__(self):
        object.__setattr__(self, "amount", _to_decimal(self.amount))
        object.__setattr__(self, "currency", check_currency(self.currency))

    @classmethod
    def parse(cls, text):
        """Read "12.50 USD" or "USD 12.50"."""
        parts = text.split()
        if len(parts) != 2:
            raise ValueError(f"expected '<amount> <currency>', got {text!r}")
        first, second = parts
        if first.isalpha():
            first, second = second, first
        return cls(first, second)

    @classmethod
    def from_minor(cls, units, currency):
        """Money from an integer count of minor units (cents for USD)."""
        return cls(Decimal(int(units)).scaleb(-minor_units(currency)), currency)

    def to_minor(self, rounding=ROUND_HALF_EVEN):
        """The amount as an integer count of minor units."""
        scaled = self.amount.scaleb(minor_units(self.currency))
        return int(scaled.to_integral_value(rounding=rounding))

    def is_rounded(self):
        """Whether the amount has no digits below the currency's minor unit."""
        return self.amount == self.amount.quantize(quantum(self.currency))

    def rounded(self, rounding=ROUND_HALF_EVEN):
        """The amount rounded to the currency's minor unit (banker's rounding by default)."""
        return Money(self.amount.quantize(quantum(self.currency), rounding=rounding), self.currency)

    def format(self, *, with_symbol=True, grouping=True, rounding=ROUND_HALF_EVEN):
        """Text for people: '$1,234.50', '-\u20ac3.00', or '1234.50 USD' without the symbol."""
        amount = self.amount.quantize(quantum(self.currency), rounding=rounding)
        digits = format(abs(amount), "," if grouping else "f")
        sign = "-" if amount < 0 else ""
        if not with_symbol:
            return f"{sign}{digits} {self.currency}"
        return f"{sign}{symbol(self.currency)}{digits}"

    def __str__(self):
        return f"{self.amount} {self.currency}"

    def __repr__(self):
        return f"Money('{self.amount}', '{self.currency}')"

    def _same_currency(self, other):
        if not isinstance(other, Money):
            return False
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")
        return True

    def __add__(self, other):
        if not self._same_currency(other):
            return NotImplemented
        return Money(self.amount + other.amount, self.currency)

    def __radd__(self, other):
        # Lets sum() start from its default 0.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return self.__add__(other)

    def __sub__(self, other):
        if not self._same_currency(other):
            return NotImplemented
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self):
        return Money(-self.amount, self.currency)

    def __abs__(self):
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor):
        if isinstance(factor, (Money, bool)):
            return NotImplemented
        return Money(self.amount * _to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor):
        if isinstance(divisor, (Money, bool)):
            return NotImplemented
        return Money(self.amount / _to_decimal(divisor), self.currency)

    def __lt__(self, other):
        if not self._same_currency(other):
            return NotImplemented
        return self.amount < other.amount

    def __bool__(self):
        return bool(self.amount)

    def allocate(self, ratios):
        """Split into parts proportional to ratios without losing a minor unit.

        Each part gets the floor of its exact share; the minor units left over go
        one each to the parts with the largest fractional remainders (largest
        remainder method), earlier parts first on ties.
        """
        ratios = [_to_decimal(ratio) for ratio in ratios]
        if not ratios or any(ratio < 0 for ratio in ratios) or sum(ratios) == 0:
            raise ValueError("ratios must be non-negative with a positive sum")
        if not self.is_rounded():
            raise ValueError(f"round {self} to {self.currency} minor units before allocating")
        total = self.to_minor()
        exact = [total * ratio / sum(ratios) for ratio in ratios]
        shares = [int(share.to_integral_value(rounding=ROUND_FLOOR)) for share in exact]
        fractions = [share - floor for share, floor in zip(exact, shares)]
        order = sorted(range(len(shares)), key=lambda i: fractions[i], reverse=True)
        for i in order[: total - sum(shares)]:
            shares[i] += 1
        return [Money.from_minor(units, self.currency) for units in shares]

    def split(self, parts):
        """Split into `parts` near-equal parts that add up exactly."""
        if parts < 1:
            raise ValueError("parts must be at least 1")
        return self.allocate([1] * parts)
