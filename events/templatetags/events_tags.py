"""Display helpers for sessions: formatting only, no rules."""

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def time_range(event):
    """“11 a.m. – noon EST” in the session's own zone; never a time for a TBD session."""
    if event.time_tbd or event.starts_at is None:
        return _("Time to be decided")
    start = event.local_start
    text = formats.time_format(start)
    if event.ends_at:
        end = event.local_end
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
