"""Figures for an organiser's campaign dashboard (admin).

The steps, each a function: the campaign's sessions with their counts (one query), a row
of figures and flags per session, sign-ups per day (one query) drawn as bars, and the
totals over the rows.
"""

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from events.models import Event, Registration

S = Registration.Status
NEARLY_FULL = 0.9
BAR_PITCH = 24  # px from one day's bar to the next
BAR_HEIGHT = 100  # px, the busiest day's bar
CHART_BASELINE = 110  # px from the top of the chart to the foot of the bars


def campaign_dashboard(campaign):
    """Per session: places, waiting, flags; per day: sign-ups. Two queries."""
    sessions = [session_row(event) for event in sessions_with_counts(campaign)]
    chart = signup_chart(signups_per_day(campaign))
    return {
        "sessions": sessions,
        "signups_per_day": chart,
        "chart_width": max(len(chart), 1) * BAR_PITCH,
        **totals(sessions),
    }


def sessions_with_counts(campaign):
    """The campaign's sessions in order, each annotated with its confirmed and waiting
    registrations, its join options and those that say how to join."""
    return (
        campaign.events.select_related("host")
        .annotate(
            confirmed=Count(
                "registrations", filter=Q(registrations__status=S.CONFIRMED), distinct=True
            ),
            waiting=Count(
                "registrations", filter=Q(registrations__status=S.WAITING), distinct=True
            ),
            options=Count("join_options", distinct=True),
            detailed_options=Count(
                "join_options",
                filter=~Q(
                    join_options__join_url="", join_options__meeting_id="", join_options__place=""
                ),
                distinct=True,
            ),
        )
        .chronological()
    )


def session_row(event):
    """One session's figures, and the flags that ask for an organiser's attention: nearly
    full, or published without saying how to join."""
    fill = event.confirmed / event.capacity if event.capacity else None
    return {
        "event": event,
        "confirmed": event.confirmed,
        "waiting": event.waiting,
        "capacity": event.capacity,
        "fill_percent": round(fill * 100) if fill is not None else None,
        "nearly_full": fill is not None and fill >= NEARLY_FULL,
        "missing_join_details": event.status == Event.Status.PUBLISHED
        and event.detailed_options == 0,
    }


def signups_per_day(campaign):
    """[{"day": date, "count": n}, ...] for the days people registered, in order."""
    return list(
        Registration.objects.filter(event__campaign=campaign)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )


def signup_chart(per_day):
    """A bar per day, placed for the dashboard's SVG: the busiest day's bar is
    BAR_HEIGHT tall, the others in proportion."""
    peak = max((row["count"] for row in per_day), default=0)
    chart = []
    for i, row in enumerate(per_day):
        height = round(row["count"] / peak * BAR_HEIGHT)
        chart.append(
            {
                "day": row["day"],
                "count": row["count"],
                "x": i * BAR_PITCH,
                "y": CHART_BASELINE - height,
                "height": height,
            }
        )
    return chart


def totals(sessions):
    """Registered and waiting over all the rows, and how many rows are flagged."""
    return {
        "total_confirmed": sum(s["confirmed"] for s in sessions),
        "total_waiting": sum(s["waiting"] for s in sessions),
        "flagged": sum(1 for s in sessions if s["nearly_full"] or s["missing_join_details"]),
    }
