"""Rows for lists of sessions (agenda, month grid, home), prepared once in Python.

Building model instances for a month of sessions cost more than the SQL, and a list of
sessions with a Django template filter per field cost more than everything else on the
page. Rows are read as plain values (one query whatever their number) and each row's
display values are computed here in one pass (formatting only, no rules); the templates
just print them. The figures are in bench/RESULTS.md.
"""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils import translation
from django.utils.translation import get_language

from events.cache import per_version
from events.models import Event, JoinOption, session_paths
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
# The month grid's cells show a start and a title: no host (a join), summary or end.
COMPACT_FIELDS = tuple(f for f in FIELDS if f not in ("summary", "ends_at", "host__name"))


@dataclass(slots=True)
class Row:
    url: str
    title: str
    summary: str
    starts_on: date
    time_label: str
    start_iso: str  # empty when the time is to be decided (and in compact rows)
    time_zone: str
    host: str
    platforms: str
    cancelled: bool
    draft: bool


def rows(events, compact=False):
    """Display rows for a (possibly sliced) queryset of events, in its order, in one
    query. `compact` rows (the month grid's cells) have the start alone as their time
    label, and no host, summary, platforms or machine-readable start (the grid shows
    none of them)."""
    values = list(events.values(*(COMPACT_FIELDS if compact else FIELDS)))
    platforms = {} if compact else session_platforms()
    language = get_language()
    labels = platform_labels(language)
    path = session_paths()
    return [
        Row(
            url=path(v["slug"]),
            title=v["title"],
            summary=v.get("summary", ""),
            starts_on=v["starts_on"],
            time_label=format_time_range(
                v["starts_at"], v.get("ends_at"), v["time_zone"], v["time_tbd"], compact, language
            ),
            start_iso=""
            if compact or v["time_tbd"] or not v["starts_at"]
            else v["starts_at"].isoformat(),
            time_zone=v["time_zone"],
            host=v.get("host__name", ""),
            platforms=" · ".join(labels[p] for p in platforms.get(v["id"], ())),
            cancelled=v["status"] == Event.Status.CANCELLED,
            draft=v["status"] == Event.Status.DRAFT,
        )
        for v in values
    ]


@per_version
def session_platforms():
    """{session id: its platforms, each once, in the organiser's order of its join
    options (as the session page lists them)}: what the cards name. Read in one small
    query when the schedule changes and kept until it changes again (data, not rendered
    output, like the filter menus): reading them with each list, even as a subquery of
    its own row, cost as much as the rows."""
    found = {}
    options = JoinOption.objects.order_by("event_id", "position", "pk")
    for event_id, platform in options.values_list("event_id", "platform"):
        found.setdefault(event_id, {})[platform] = None
    return {pk: tuple(platforms) for pk, platforms in found.items()}


@lru_cache(maxsize=16)
def platform_labels(language):
    """{platform: its name in `language`}."""
    with translation.override(language):
        return {value: str(label) for value, label in JoinOption.Platform.choices}
