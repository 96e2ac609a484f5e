import pytest

from shelf import bulk_price, discount, parse_price


def test_discount():
    assert discount(1000, 10) == 900
    assert discount(999, 50) == 499
    assert discount(500, 0) == 500


def test_discount_range():
    with pytest.raises(ValueError):
        discount(100, 101)


@pytest.mark.parametrize("quantity, expected", [(1, 250), (10, 2250), (100, 20000)])
def test_bulk_tiers(quantity, expected):
    assert bulk_price(250, quantity) == expected


def test_parse_price():
    assert parse_price("$1.50") == 150
    assert parse_price(" 2 ") == 200
    assert parse_price("0.05") == 5


def test_parse_price_rejects_garbage():
    with pytest.raises(ValueError, match="not a price"):
        parse_price("one dollar")
