"""Figures for an organiser's campaign dashboard (admin)."""

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from events.models import Event, Registration

S = Registration.Status
NEARLY_FULL = 0.9


def campaign_dashboard(campaign):
    """Per session: places, waiting, flags; per day: sign-ups. Three queries."""
    events = (
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
    sessions = []
    for event in events:
        fill = event.confirmed / event.capacity if event.capacity else None
        sessions.append(
            {
                "event": event,
                "confirmed": event.confirmed,
                "waiting": event.waiting,
                "capacity": event.capacity,
                "fill_percent": round(fill * 100) if fill is not None else None,
                "nearly_full": fill is not None and fill >= NEARLY_FULL,
                "missing_join_details": event.status == Event.Status.PUBLISHED
                and event.detailed_options == 0,
            }
        )
    per_day = list(
        Registration.objects.filter(event__campaign=campaign)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    peak = max((row["count"] for row in per_day), default=0)
    chart = []
    for i, row in enumerate(per_day):
        height = round(row["count"] / peak * 100)  # bars 100 px tall at the peak
        chart.append(
            {
                "day": row["day"],
                "count": row["count"],
                "x": i * 24,
                "y": 110 - height,
                "height": height,
            }
        )
    return {
        "sessions": sessions,
        "signups_per_day": chart,
        "chart_width": max(len(chart), 1) * 24,
        "total_confirmed": sum(s["confirmed"] for s in sessions),
        "total_waiting": sum(s["waiting"] for s in sessions),
        "flagged": sum(1 for s in sessions if s["nearly_full"] or s["missing_join_details"]),
    }
