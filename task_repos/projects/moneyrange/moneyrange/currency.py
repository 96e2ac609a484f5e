"""The currencies moneyrange knows: ISO 4217 code -> (minor units, symbol)."""

from decimal import Decimal

CURRENCIES = {
    "USD": (2, "$"),
    "EUR": (2, "\u20ac"),
    "GBP": (2, "\u00a3"),
    "CHF": (2, "CHF "),
    "JPY": (0, "\u00a5"),
    "KRW": (0, "\u20a9"),
    "BHD": (3, "BD "),
    "KWD": (3, "KD "),
}


class UnknownCurrency(ValueError):
    """The currency code is not in CURRENCIES."""


def check_currency(code):
    """The upper-cased code, or UnknownCurrency."""
    normalized = str(code).strip().upper()
    if normalized not in CURRENCIES:
        raise UnknownCurrency(f"unknown currency {code!r}")
    return normalized


def minor_units(code):
    """Digits after the decimal point: 2 for USD, 0 for JPY, 3 for BHD."""
    return CURRENCIES[check_currency(code)][0]


def quantum(code):
    """The smallest amount of the currency as a Decimal exponent: 0.01, 1 or 0.001."""
    return Decimal(1).scaleb(-minor_units(code))


def symbol(code):
    return CURRENCIES[check_currency(code)][1]
