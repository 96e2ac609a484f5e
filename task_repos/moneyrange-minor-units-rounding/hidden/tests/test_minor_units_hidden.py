from decimal import ROUND_HALF_UP

from moneyrange import Money


def test_rounding_zero_decimal_currencies():
    assert Money("1234.5", "JPY").rounded() == Money(1234, "JPY")
    assert str(Money("99.7", "KRW").rounded().amount) == "100"


def test_rounding_three_decimal_currencies():
    assert Money("10.0045", "BHD").rounded() == Money("10.004", "BHD")
    assert Money("1.2345", "KWD").rounded(ROUND_HALF_UP) == Money("1.235", "KWD")


def test_formatting_zero_decimal_currencies():
    assert Money("1500", "JPY").format() == "\u00a51,500"
    assert Money(-250000, "KRW").format() == "-\u20a9250,000"


def test_formatting_three_decimal_currencies():
    assert Money("1234.5", "BHD").format() == "BD 1,234.500"
    assert Money("0.0005", "KWD").format(with_symbol=False) == "0.000 KWD"


def test_rounded_amounts_can_be_allocated():
    parts = Money("100.0015", "BHD").rounded().allocate([1, 1])
    assert parts == [Money("50.001", "BHD"), Money("50.001", "BHD")]


def test_two_decimal_currencies_are_unchanged():
    assert Money("2.675", "USD").rounded() == Money("2.68", "USD")
    assert Money("1234.5", "EUR").format() == "\u20ac1,234.50"
