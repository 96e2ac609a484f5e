from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest

from moneyrange import CurrencyMismatch, Money, UnknownCurrency, minor_units, quantum


def test_construction_normalizes_amount_and_currency():
    assert Money(0.1, "usd") == Money("0.10", "USD")
    assert Money(5, "EUR").amount == Decimal(5)
    assert Money(Decimal("1.5"), "GBP").currency == "GBP"
    assert repr(Money("2.50", "USD")) == "Money('2.50', 'USD')"


def test_invalid_amounts_and_currencies():
    with pytest.raises(UnknownCurrency):
        Money(1, "XXX")
    with pytest.raises(ValueError):
        Money("abc", "USD")
    with pytest.raises(ValueError):
        Money("Infinity", "USD")
    with pytest.raises(TypeError):
        Money(True, "USD")


def test_currency_table():
    assert [minor_units(code) for code in ("USD", "JPY", "BHD")] == [2, 0, 3]
    assert quantum("EUR") == Decimal("0.01")


def test_parse_both_orders():
    assert Money.parse("12.50 USD") == Money("12.50", "USD")
    assert Money.parse("EUR -3") == Money(-3, "EUR")
    with pytest.raises(ValueError):
        Money.parse("12.50")


def test_addition_subtraction_and_sum():
    a, b = Money("10.25", "USD"), Money("0.75", "USD")
    assert a + b == Money(11, "USD")
    assert a - b == Money("9.50", "USD")
    assert -a == Money("-10.25", "USD")
    assert abs(-a) == a
    assert sum([a, b, b]) == Money("11.75", "USD")


def test_mixing_currencies_is_an_error():
    with pytest.raises(CurrencyMismatch):
        Money(1, "USD") + Money(1, "EUR")
    with pytest.raises(CurrencyMismatch):
        Money(1, "USD") < Money(2, "EUR")


def test_multiplication_division_and_comparison():
    price = Money("19.99", "USD")
    assert price * 3 == Money("59.97", "USD")
    assert 2 * price == Money("39.98", "USD")
    assert (price / 4).amount == Decimal("4.9975")
    assert Money(1, "USD") < Money(2, "USD") <= Money(2, "USD")
    assert not Money(0, "USD")
    with pytest.raises(TypeError):
        price * price


def test_rounding_to_cents():
    assert Money("2.675", "USD").rounded() == Money("2.68", "USD")
    assert Money("2.665", "USD").rounded() == Money("2.66", "USD")
    assert Money("2.665", "EUR").rounded(ROUND_HALF_UP) == Money("2.67", "EUR")
    assert Money("2.669", "USD").rounded(ROUND_DOWN).amount == Decimal("2.66")
    assert Money("2.50", "USD").is_rounded()
    assert not Money("2.501", "USD").is_rounded()


def test_minor_units_conversion():
    assert Money("12.34", "USD").to_minor() == 1234
    assert Money("1500", "JPY").to_minor() == 1500
    assert Money.from_minor(1234, "BHD") == Money("1.234", "BHD")
    assert Money.from_minor(-5, "USD") == Money("-0.05", "USD")


def test_format():
    assert Money("1234567.891", "USD").format() == "$1,234,567.89"
    assert Money("-3", "EUR").format() == "-\u20ac3.00"
    assert Money("1234.5", "GBP").format(grouping=False) == "\u00a31234.50"
    assert Money("1234.5", "USD").format(with_symbol=False) == "1,234.50 USD"
    assert str(Money("1.5", "USD")) == "1.5 USD"


def test_split_gives_leftover_cents_to_the_first_parts():
    parts = Money("100.00", "USD").split(3)
    assert parts == [Money("33.34", "USD"), Money("33.33", "USD"), Money("33.33", "USD")]
    assert Money("-1.00", "USD").split(3) == [Money("-0.33", "USD"), Money("-0.33", "USD"), Money("-0.34", "USD")]
    assert Money("1000", "JPY").split(3) == [Money(334, "JPY"), Money(333, "JPY"), Money(333, "JPY")]


def test_allocate_by_ratios():
    assert Money("100", "USD").allocate([70, 30]) == [Money(70, "USD"), Money(30, "USD")]
    assert Money("1.00", "EUR").allocate([1, 1, 2]) == [Money("0.25", "EUR"), Money("0.25", "EUR"), Money("0.50", "EUR")]
    assert Money("5", "USD").allocate([0, 1]) == [Money(0, "USD"), Money(5, "USD")]
    parts = Money("0.10", "USD").allocate([1] * 7)
    assert sum(parts) == Money("0.10", "USD")


def test_allocate_rejects_bad_input():
    with pytest.raises(ValueError):
        Money(1, "USD").allocate([])
    with pytest.raises(ValueError):
        Money(1, "USD").allocate([1, -1])
    with pytest.raises(ValueError):
        Money(1, "USD").allocate([0, 0])
    with pytest.raises(ValueError, match="round"):
        Money("1.005", "USD").allocate([1, 1])
    with pytest.raises(ValueError):
        Money(1, "USD").split(0)
