"""Display helpers for sessions: formatting only, no rules."""

import zoneinfo
from datetime import date, timedelta
from functools import lru_cache

from django import template
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()
MONDAY = date(2024, 1, 1)


@register.filter
def time_range(event):
    """“11 a.m. – noon EST” in the session's own zone; never a time for a TBD session."""
    return format_time_range(event.starts_at, event.ends_at, event.time_zone, event.time_tbd)


def format_time_range(starts_at, ends_at, time_zone, time_tbd, start_only=False, language=None):
    """`language`: the active language, when the caller formats many (saves asking)."""
    if time_tbd or starts_at is None:
        return _("Time to be decided")
    zone = zoneinfo.ZoneInfo(time_zone)
    start = starts_at.astimezone(zone)
    language = language or get_language()
    text = _clock(start.time(), language)
    if ends_at and not start_only:
        end = ends_at.astimezone(zone)
        if end.date() != start.date():
            text = f"{text} – {_short_date(end.date(), language)} {_clock(end.time(), language)}"
        else:
            text = f"{text} – {_clock(end.time(), language)}"
    return f"{text} {start.tzname()}"


@register.filter
def long_date(day):
    """“Monday, January 9, 2023” in the active locale."""
    return _long_date(day, get_language())


# The locale's formatting of a wall-clock time or a date is a pure function of the value
# and the language, and Django's formatter is slow enough that the few dozen calls a page
# of sessions makes show in its time (bench/RESULTS.md). Remembered per process (a day has
# 1,440 minutes). The zone's name is added by the caller; the site's TIME_FORMATs ("P")
# use no zone letters.
@lru_cache(maxsize=4096)
def _clock(wall, language):
    return formats.time_format(wall)


@lru_cache(maxsize=4096)
def _short_date(day, language):
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@lru_cache(maxsize=4096)
def _long_date(day, language):
    return f"{formats.date_format(day, 'l')}, {formats.date_format(day, 'DATE_FORMAT')}"


def weekday_name(day):
    """“Monday” in the active locale."""
    return _weekday_name(day.weekday(), get_language())


@lru_cache(maxsize=128)
def _weekday_name(weekday, language):
    return formats.date_format(MONDAY + timedelta(days=weekday), "l")


def day_number(day):
    """“9”: the day of the month, as the locale writes it (the month grid's cells)."""
    return _day_number(day, get_language())


@lru_cache(maxsize=4096)
def _day_number(day, language):
    return formats.date_format(day, "j")
