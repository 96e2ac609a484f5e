from datetime import date, datetime, timedelta

from dateutil import tz

from moneyrange import DateRange, day_length, elapsed, range_duration


def test_spring_forward_day_lasts_23_hours():
    assert day_length(date(2024, 3, 10), "America/New_York") == timedelta(hours=23)
    assert day_length(date(2024, 3, 31), "Europe/Berlin") == timedelta(hours=23)


def test_fall_back_day_lasts_25_hours():
    assert day_length(date(2024, 11, 3), "America/New_York") == timedelta(hours=25)


def test_half_hour_shift():
    assert day_length(date(2024, 4, 7), "Australia/Lord_Howe") == timedelta(hours=24, minutes=30)


def test_month_containing_a_change():
    assert range_duration(DateRange.month(2024, 3), "Europe/Berlin") == timedelta(days=31, hours=-1)
    assert range_duration(DateRange.month(2024, 10), "Europe/Berlin") == timedelta(days=31, hours=1)


def test_elapsed_across_the_change_in_one_zone():
    new_york = tz.gettz("America/New_York")
    before = datetime(2024, 3, 10, 1, 30, tzinfo=new_york)
    after = datetime(2024, 3, 10, 3, 30, tzinfo=new_york)
    assert elapsed(before, after) == timedelta(hours=1)


def test_zones_without_dst():
    assert day_length(date(2024, 3, 10), "Asia/Tokyo") == timedelta(hours=24)
    assert range_duration(DateRange.month(2024, 3), "UTC") == timedelta(days=31)
