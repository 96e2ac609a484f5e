from datetime import date

import pytest

from moneyrange import nth_business_day


def test_last_business_day_of_the_month():
    assert nth_business_day(2024, 5, -1) == date(2024, 5, 31)
    assert nth_business_day(2024, 6, -1) == date(2024, 6, 28)


def test_counting_back_from_the_end():
    assert nth_business_day(2024, 5, -2) == date(2024, 5, 30)
    assert nth_business_day(2024, 6, -20) == date(2024, 6, 3)


def test_last_business_day_skips_holidays():
    assert nth_business_day(2024, 12, -1, holidays={date(2024, 12, 31)}) == date(2024, 12, 30)


def test_first_business_day_still_works():
    assert nth_business_day(2024, 9, 1) == date(2024, 9, 2)


def test_too_far_back_is_an_error():
    with pytest.raises(ValueError):
        nth_business_day(2024, 6, -21)
