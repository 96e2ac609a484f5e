from datetime import date, datetime, timedelta, timezone

import pytest

from moneyrange import DateRange, UnknownZone, day_length, elapsed, local_date, local_midnight, range_duration, to_local


def test_ordinary_day_lasts_24_hours():
    assert day_length(date(2024, 6, 12), "America/New_York") == timedelta(hours=24)
    assert day_length(date(2024, 1, 15), "Asia/Tokyo") == timedelta(hours=24)


def test_local_midnight_is_aware():
    midnight = local_midnight(date(2024, 7, 1), "Europe/Paris")
    assert midnight.utcoffset() == timedelta(hours=2)
    assert midnight.astimezone(timezone.utc) == datetime(2024, 6, 30, 22, 0, tzinfo=timezone.utc)


def test_elapsed_between_zones():
    start = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
    end = to_local(datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc), "Asia/Kolkata")
    assert end.hour == 18
    assert elapsed(start, end) == timedelta(hours=3, minutes=30)


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValueError, match="naive"):
        elapsed(datetime(2024, 1, 1), datetime(2024, 1, 2, tzinfo=timezone.utc))
    with pytest.raises(ValueError):
        to_local(datetime(2024, 1, 1), "UTC")


def test_local_date_can_differ_from_utc_date():
    moment = datetime(2024, 3, 1, 23, 30, tzinfo=timezone.utc)
    assert local_date(moment, "Asia/Tokyo") == date(2024, 3, 2)
    assert local_date(moment, "America/Los_Angeles") == date(2024, 3, 1)


def test_range_duration_in_winter():
    january_week = DateRange(date(2024, 1, 8), date(2024, 1, 15))
    assert range_duration(january_week, "Europe/London") == timedelta(days=7)


def test_unknown_zone():
    with pytest.raises(UnknownZone):
        day_length(date(2024, 1, 1), "Mars/Olympus_Mons")
