"""Rows for lists of sessions (agenda, month grid, home), prepared once in Python.

Django templates spend tens of microseconds per tag, and building model instances for a
month of sessions cost more than the SQL: a list of sessions with a filter per field
cost more than everything else on the page. Rows are read as plain values (two queries
whatever their number) and each row's display values are computed here in one pass
(formatting only, no rules); the templates just print them. Measured in bench/.
"""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from events.models import Event, JoinOption
from events.templatetags.events_tags import format_time_range

FIELDS = (
    "id",
    "slug",
    "title",
    "summary",
    "starts_on",
    "starts_at",
    "ends_at",
    "time_tbd",
    "time_zone",
    "status",
    "host__name",
)


@dataclass(slots=True)
class Row:
    url: str
    title: str
    summary: str
    starts_on: date
    time_label: str
    start_iso: str  # empty when the time is to be decided
    time_zone: str
    host: str
    platforms: str
    cancelled: bool
    draft: bool


def rows(events, compact=False):
    """Display rows for a (possibly sliced) queryset of events, in its order. `compact`
    rows (the month grid's cells) have the start alone as their time label and no
    platforms (one query fewer)."""
    values = list(events.values(*FIELDS))
    platforms = {} if compact else platform_names([v["id"] for v in values])
    url_prefix = reverse("events:agenda")
    return [
        Row(
            url=f"{url_prefix}{v['slug']}/",
            title=v["title"],
            summary=v["summary"],
            starts_on=v["starts_on"],
            time_label=format_time_range(
                v["starts_at"], v["ends_at"], v["time_zone"], v["time_tbd"], compact
            ),
            start_iso=v["starts_at"].isoformat() if v["starts_at"] and not v["time_tbd"] else "",
            time_zone=v["time_zone"],
            host=v["host__name"],
            platforms=" · ".join(platforms.get(v["id"], ())),
            cancelled=v["status"] == Event.Status.CANCELLED,
            draft=v["status"] == Event.Status.DRAFT,
        )
        for v in values
    ]


def platform_names(event_ids):
    """{event id: {platform name: None}} in the options' order (one query)."""
    names = {value: str(label) for value, label in JoinOption.Platform.choices}
    platforms = {}
    options = JoinOption.objects.filter(event_id__in=event_ids).order_by("position", "pk")
    for event_id, platform in options.values_list("event_id", "platform"):
        platforms.setdefault(event_id, {})[names[platform]] = None
    return platforms
