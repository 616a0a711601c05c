"""Display helpers for sessions: formatting only, no rules."""

import zoneinfo
from datetime import date, timedelta
from functools import lru_cache
from html import escape

from django import template
from django.utils import formats
from django.utils.safestring import mark_safe
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


@lru_cache(maxsize=4096)
def _day_number(day, language):
    return formats.date_format(day, "j")


# Lists of sessions are written here in Python, as Django's admin writes its change
# list rows (admin_list.items_for_result): with a template tag per field, a page of rows
# cost more than the rest of the page. Text is escaped with the standard library's
# html.escape (what django.utils.html.escape calls, without its lazy-string wrapper:
# format_html per card was itself a visible cost) and the whole is marked safe once.
# See events/listing.py; the figures are in bench/RESULTS.md.


def _time(row):
    if not row.start_iso:
        return escape(row.time_label)
    return (
        f'<time datetime="{row.start_iso}" data-zone="{escape(row.time_zone)}">'
        f"{escape(row.time_label)}</time>"
    )


def _badges():
    return {
        "cancelled": f' <span class="badge badge--cancelled">{escape(_("Cancelled"))}</span>',
        "draft": f' <span class="badge">{escape(_("Draft"))}</span>',
    }


def _badge(row, badges):
    return badges["cancelled"] if row.cancelled else badges["draft"] if row.draft else ""


def _agenda_card(row, badges):
    modifier = " event-card--cancelled" if row.cancelled else ""
    platforms = f" · {escape(row.platforms)}" if row.platforms else ""
    summary = f'<p class="event-card__summary">{escape(row.summary)}</p>' if row.summary else ""
    return (
        f'<li class="event-card{modifier}"><p class="event-card__time">{_time(row)}</p>'
        f'<h3 class="event-card__title"><a href="{escape(row.url)}">{escape(row.title)}</a>'
        f'{_badge(row, badges)}</h3><p class="event-card__meta">{escape(row.host)}{platforms}</p>'
        f"{summary}</li>"
    )


def _agenda_day(day, rows, badges):
    iso = day.isoformat()
    cards = "".join(_agenda_card(row, badges) for row in rows)
    return (
        f'<section class="agenda-day" aria-labelledby="day-{iso}">'
        f'<h2 id="day-{iso}" class="agenda-day__date">{escape(long_date(day))}</h2>'
        f'<ul class="event-list">{cards}</ul></section>'
    )


@register.simple_tag
def agenda_days(days):
    """Each day of the agenda: a section with its heading and its session cards."""
    badges = _badges()
    html = "\n".join(_agenda_day(day, rows, badges) for day, rows in days)
    return mark_safe(html)  # noqa: S308 -- every value in it is escaped


@register.simple_tag
def month_weeks(weeks, month, today):
    """The rows of the month grid: a cell per day, today marked, with its sessions."""
    language = get_language()
    badges = _badges()
    today_label = escape(_("Today"))

    def cell(day, rows):
        classes = "month-grid__day"
        if day.month != month.month:
            classes += " month-grid__day--outside"
        number = escape(_day_number(day, language))
        if day == today:
            classes += " month-grid__day--today"
            number = (
                f'<span aria-current="date">{number}</span>'
                f' <span class="today-label">{today_label}</span>'
            )
        if rows:
            classes += " month-grid__day--busy"
        sessions = "".join(_grid_item(row, badges) for row in rows)
        sessions = f"<ul>{sessions}</ul>" if sessions else ""
        return (
            f'<td class="{classes}"><p class="month-grid__date">{number}'
            f'<span class="month-grid__full-date"> {escape(_long_date(day, language))}</span></p>'
            f"{sessions}</td>"
        )

    return mark_safe(  # noqa: S308 -- every value above is escaped
        "\n".join(
            "<tr>" + "".join(cell(day, rows) for day, rows in week) + "</tr>" for week in weeks
        )
    )


def _grid_item(row, badges):
    """A session in the month grid: start time and title."""
    cancelled = ' class="cancelled"' if row.cancelled else ""
    return (
        f'<li{cancelled}><a href="{escape(row.url)}">'
        f'<span class="month-grid__time">{escape(row.time_label)}</span> {escape(row.title)}</a>'
        f"{_badge(row, badges)}</li>"
    )
