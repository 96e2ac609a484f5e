from datetime import date

import pytest

from moneyrange import DateRange, add_business_days, is_business_day, nth_business_day


def d(text):
    return date.fromisoformat(text)


def test_length_membership_and_iteration():
    week = DateRange(d("2024-01-01"), d("2024-01-08"))
    assert len(week) == 7
    assert d("2024-01-01") in week and d("2024-01-08") not in week
    assert list(week)[-1] == d("2024-01-07")
    assert not DateRange(d("2024-01-01"), d("2024-01-01"))


def test_inclusive_constructor_and_last_day():
    r = DateRange.inclusive(d("2024-02-27"), d("2024-03-01"))
    assert r.end == d("2024-03-02")
    assert r.last() == d("2024-03-01")
    assert len(r) == 4
    with pytest.raises(ValueError):
        DateRange(d("2024-01-01"), d("2024-01-01")).last()


def test_month_range_and_parse():
    assert len(DateRange.month(2024, 2)) == 29
    assert DateRange.month(2023, 12).end == d("2024-01-01")
    r = DateRange.parse("2024-01-05/2024-01-09")
    assert r == DateRange(d("2024-01-05"), d("2024-01-09"))
    assert str(r) == "2024-01-05/2024-01-09"
    with pytest.raises(ValueError):
        DateRange.parse("2024-01-05")


def test_end_before_start_is_an_error():
    with pytest.raises(ValueError, match="before start"):
        DateRange(d("2024-02-01"), d("2024-01-01"))


def test_overlaps_and_intersection():
    jan = DateRange.month(2024, 1)
    mid = DateRange(d("2024-01-20"), d("2024-02-10"))
    march = DateRange.month(2024, 3)
    assert jan.overlaps(mid) and mid.overlaps(jan)
    assert not jan.overlaps(march)
    assert jan.intersection(mid) == DateRange(d("2024-01-20"), d("2024-02-01"))
    assert jan.intersection(march) is None


def test_shift_by_months_clamps_to_month_end():
    r = DateRange(d("2024-01-31"), d("2024-03-31"))
    assert r.shift(months=1) == DateRange(d("2024-02-29"), d("2024-04-30"))
    assert r.shift(days=-1).start == d("2024-01-30")


def test_step_by_days_and_weeks():
    r = DateRange(d("2024-01-01"), d("2024-01-20"))
    assert r.step(weeks=1) == [d("2024-01-01"), d("2024-01-08"), d("2024-01-15")]
    assert r.step(days=8) == [d("2024-01-01"), d("2024-01-09"), d("2024-01-17")]


def test_step_by_month_does_not_drift():
    r = DateRange(d("2024-01-31"), d("2024-05-15"))
    assert r.step(months=1) == [d("2024-01-31"), d("2024-02-29"), d("2024-03-31"), d("2024-04-30")]


def test_step_must_move_forward():
    with pytest.raises(ValueError):
        DateRange.month(2024, 1).step(days=0)
    with pytest.raises(ValueError):
        DateRange.month(2024, 1).step(months=-1)


def test_months_cuts_at_month_boundaries():
    r = DateRange(d("2024-01-15"), d("2024-03-10"))
    assert [str(piece) for piece in r.months()] == [
        "2024-01-15/2024-02-01",
        "2024-02-01/2024-03-01",
        "2024-03-01/2024-03-10",
    ]


def test_business_days_skip_weekends_and_holidays():
    r = DateRange(d("2024-12-23"), d("2024-12-30"))
    assert r.business_days() == [d("2024-12-23"), d("2024-12-24"), d("2024-12-25"), d("2024-12-26"), d("2024-12-27")]
    assert len(r.business_days(holidays={d("2024-12-25"), d("2024-12-26")})) == 3
    assert not is_business_day(d("2024-12-28"))


def test_add_business_days_over_weekends():
    friday = d("2024-03-08")
    assert add_business_days(friday, 1) == d("2024-03-11")
    assert add_business_days(friday, 5) == d("2024-03-15")
    assert add_business_days(d("2024-03-11"), -1) == friday
    assert add_business_days(friday, 0) == friday
    assert add_business_days(friday, 1, holidays={d("2024-03-11")}) == d("2024-03-12")


def test_nth_business_day_counts_from_the_start():
    assert nth_business_day(2024, 6, 1) == d("2024-06-03")
    assert nth_business_day(2024, 6, 3) == d("2024-06-05")
    assert nth_business_day(2024, 1, 1, holidays={d("2024-01-01")}) == d("2024-01-02")


def test_nth_business_day_out_of_range():
    with pytest.raises(ValueError, match="has 20 business days"):
        nth_business_day(2024, 6, 21)
    with pytest.raises(ValueError):
        nth_business_day(2024, 6, 0)
