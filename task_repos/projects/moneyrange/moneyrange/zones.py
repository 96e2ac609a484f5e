"""Time zones: local midnights, day lengths and elapsed time (zone data from dateutil)."""

from datetime import datetime, time, timedelta, timezone

from dateutil import tz


class UnknownZone(ValueError):
    """The name is not a known IANA time zone."""


def get_zone(name):
    zone = tz.gettz(name)
    if zone is None:
        raise UnknownZone(f"unknown time zone {name!r}")
    return zone


def _require_aware(*moments):
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{moment!r} is a naive datetime; attach a time zone first")


def local_midnight(day, zone_name):
    """The aware datetime at which `day` starts in the zone."""
    # Where a DST change skips midnight, the day starts at the first existing time.
    return tz.resolve_imaginary(datetime.combine(day, time(0), tzinfo=get_zone(zone_name)))


def elapsed(start, end):
    """Time passed between two aware datetimes."""
    _require_aware(start, end)
    return end.astimezone(timezone.utc) - start.astimezone(timezone.utc)


def day_length(day, zone_name):
    """How long the calendar day lasts in the zone."""
    return elapsed(local_midnight(day, zone_name), local_midnight(day + timedelta(days=1), zone_name))


def range_duration(date_range, zone_name):
    """How long a DateRange lasts in the zone, from the first midnight to the last."""
    return elapsed(local_midnight(date_range.start, zone_name), local_midnight(date_range.end, zone_name))


def to_local(moment, zone_name):
    """An aware datetime converted to the zone's wall-clock time."""
    _require_aware(moment)
    return moment.astimezone(get_zone(zone_name))


def local_date(moment, zone_name):
    """The calendar date in the zone at an aware moment."""
    return to_local(moment, zone_name).date()
