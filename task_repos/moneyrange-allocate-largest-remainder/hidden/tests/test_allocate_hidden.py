from moneyrange import Money


def usd(text):
    return Money(text, "USD")


def test_leftover_cent_goes_to_the_largest_remainder():
    assert usd("10.00").allocate([1, 2]) == [usd("3.33"), usd("6.67")]
    assert usd("0.05").allocate([1, 3]) == [usd("0.01"), usd("0.04")]


def test_several_leftover_cents():
    assert usd("1.00").allocate([1, 1, 1, 3]) == [usd("0.17"), usd("0.17"), usd("0.16"), usd("0.50")]
    assert Money("100", "JPY").allocate([2, 3, 4]) == [Money(22, "JPY"), Money(33, "JPY"), Money(45, "JPY")]


def test_negative_amount_remainders():
    assert usd("-10.00").allocate([1, 2]) == [usd("-3.33"), usd("-6.67")]


def test_equal_ratios_favour_earlier_parts():
    assert usd("0.05").split(3) == [usd("0.02"), usd("0.02"), usd("0.01")]


def test_allocation_always_adds_up():
    for amount in ["0.01", "0.99", "10.00", "123.45"]:
        for ratios in ([1, 2], [3, 1, 1], [5, 7, 11, 13]):
            assert sum(usd(amount).allocate(ratios)) == usd(amount)
