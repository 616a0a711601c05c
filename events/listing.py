"""Rows for lists of sessions (agenda, month grid, home), prepared once in Python.

Django templates spend tens of microseconds per tag, and building model instances for a
month of sessions cost more than the SQL: a list of sessions with a filter per field
cost more than everything else on the page. Rows are read as plain values (one query
whatever their number) and each row's display values are computed here in one pass
(formatting only, no rules); the templates just print them. Measured in bench/.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Aggregate, OuterRef, Subquery, TextField
from django.utils.translation import get_language

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
    label, and no platforms or machine-readable start (the grid shows neither)."""
    if compact:
        values = list(events.values(*FIELDS))
    else:
        values = list(events.annotate(platforms=OPTIONS).values(*FIELDS, "platforms"))
    names = platform_labels()
    path = session_paths()
    language = get_language()
    return [
        Row(
            url=path(v["slug"]),
            title=v["title"],
            summary=v["summary"],
            starts_on=v["starts_on"],
            time_label=format_time_range(
                v["starts_at"], v["ends_at"], v["time_zone"], v["time_tbd"], compact, language
            ),
            start_iso=""
            if compact or v["time_tbd"] or not v["starts_at"]
            else v["starts_at"].isoformat(),
            time_zone=v["time_zone"],
            host=v["host__name"],
            platforms="" if compact else " · ".join(platform_names(v["platforms"], names)),
            cancelled=v["status"] == Event.Status.CANCELLED,
            draft=v["status"] == Event.Status.DRAFT,
        )
        for v in values
    ]


class Joined(Aggregate):
    """Text values joined by commas, in no particular order (PostgreSQL's STRING_AGG,
    SQLite's GROUP_CONCAT; neither orders within an aggregate in every version we run
    on, so callers sort)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


# The platforms of a session's join options, in one column of the session's own row: a
# second query for them cost more than the first. Cards name them in a fixed order
# (the order of JoinOption.Platform), the same on every card.
OPTIONS = Subquery(
    JoinOption.objects.filter(event=OuterRef("pk"))
    .order_by()
    .values("event")
    .annotate(platforms=Joined("platform"))
    .values("platforms")
)


def platform_labels():
    """{platform: label}, in the order cards name them."""
    return {value: str(label) for value, label in JoinOption.Platform.choices}


def platform_names(platforms, labels):
    """The names of the distinct platforms in `OPTIONS`' value, in `labels`' order."""
    if not platforms:
        return ()
    present = set(platforms.split(","))
    return [label for value, label in labels.items() if value in present]
