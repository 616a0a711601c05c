"""Display helpers for sessions: formatting only, no rules."""

import zoneinfo

from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def time_range(event):
    """“11 a.m. – noon EST” in the session's own zone; never a time for a TBD session."""
    return format_time_range(event.starts_at, event.ends_at, event.time_zone, event.time_tbd)


def format_time_range(starts_at, ends_at, time_zone, time_tbd, start_only=False):
    if time_tbd or starts_at is None:
        return _("Time to be decided")
    zone = zoneinfo.ZoneInfo(time_zone)
    start = starts_at.astimezone(zone)
    text = formats.time_format(start)
    if ends_at and not start_only:
        end = ends_at.astimezone(zone)
        if end.date() != start.date():
            text = f"{text} – {formats.date_format(end, 'SHORT_DATE_FORMAT')} {formats.time_format(end)}"
        else:
            text = f"{text} – {formats.time_format(end)}"
    return f"{text} {start.tzname()}"


@register.filter
def long_date(day):
    """“Monday, January 9, 2023” in the active locale."""
    return f"{formats.date_format(day, 'l')}, {formats.date_format(day, 'DATE_FORMAT')}"


@register.filter
def platforms(event):
    """Platform names of a session's join options (uses the prefetched options)."""
    names = []
    for option in event.join_options.all():
        label = option.get_platform_display()
        if label not in names:
            names.append(label)
    return names


# Lists of sessions are written here in Python, as Django's admin writes its change
# list rows (admin_list.items_for_result): a template tag per field cost ~10 µs, and a
# page of rows cost more than the rest of the page. See events/listing.py and bench/.


def _time(row):
    if not row.start_iso:
        return row.time_label
    return format_html(
        '<time datetime="{}" data-zone="{}">{}</time>', row.start_iso, row.time_zone, row.time_label
    )


def _badge(row):
    if row.cancelled:
        return format_html(' <span class="badge badge--cancelled">{}</span>', _("Cancelled"))
    if row.draft:
        return format_html(' <span class="badge">{}</span>', _("Draft"))
    return ""


@register.simple_tag
def agenda_rows(rows):
    """The <li> cards of one day in the agenda."""
    return format_html_join(
        "\n",
        '<li class="event-card{}"><p class="event-card__time">{}</p>'
        '<h3 class="event-card__title"><a href="{}">{}</a>{}</h3>'
        '<p class="event-card__meta">{}{}</p>{}</li>',
        (
            (
                " event-card--cancelled" if row.cancelled else "",
                _time(row),
                row.url,
                row.title,
                _badge(row),
                row.host,
                f" · {row.platforms}" if row.platforms else "",
                format_html('<p class="event-card__summary">{}</p>', row.summary)
                if row.summary
                else "",
            )
            for row in rows
        ),
    )


@register.simple_tag
def grid_rows(rows):
    """The sessions of one day in the month grid: start time and title."""
    return format_html_join(
        "\n",
        '<li{}><a href="{}"><span class="month-grid__time">{}</span> {}</a>{}</li>',
        (
            (
                ' class="cancelled"' if row.cancelled else "",
                row.url,
                row.time_label,
                row.title,
                _badge(row),
            )
            for row in rows
        ),
    )


@register.simple_tag
def options(choices, selected):
    """<option> elements for a filter menu (Django's widgets render a template each)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )
