"""Bench data, created through Django in the bench's environment (idempotent).

python bench/seed.py sessions 1000
"""

import os
import sys
from datetime import date, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def sessions(count):
    from events import cache
    from events.models import Campaign, Event, Host, JoinOption, local_datetime

    campaign, _ = Campaign.objects.get_or_create(
        slug="bench-campaign",
        defaults={
            "name": "Bench campaign",
            "starts_on": date(2027, 1, 1),
            "ends_on": date(2027, 12, 31),
        },
    )
    existing = campaign.events.count()
    if existing >= count:
        return
    hosts = [
        Host.objects.get_or_create(slug=f"bench-host-{n}", defaults={"name": f"Bench host {n}"})[0]
        for n in range(10)
    ]
    zones = ["America/New_York", "Europe/London", "America/Los_Angeles"]
    events = []
    for n in range(existing, count):
        day = date(2027, 1, 1) + timedelta(days=n * 365 // count)
        zone = zones[n % 3]
        tbd = n % 25 == 0
        events.append(
            Event(
                campaign=campaign,
                host=hosts[n % 10],
                title=f"Bench session {n}: mentoring in practice",
                slug=f"bench-session-{n}",
                summary="A session to measure pages with a thousand sessions in the schedule.",
                description="Mentoring, goals, next steps and accountability. " * 5,
                starts_on=day,
                time_tbd=tbd,
                starts_at=None if tbd else local_datetime(day, time(9 + n % 9), zone),
                ends_at=None if tbd else local_datetime(day, time(10 + n % 9), zone),
                time_zone=zone,
                join_audience=Event.Audience.PUBLIC,
                status=Event.Status.CANCELLED if n % 40 == 0 else Event.Status.PUBLISHED,
            )
        )
    # Bulk insert is for bench data only: the product changes sessions through save().
    created = Event.objects.bulk_create(events)
    JoinOption.objects.bulk_create(
        JoinOption(
            event=event,
            platform=JoinOption.Platform.ZOOM_WEBINAR,
            meeting_id=f"{1600000000 + i}",
            passcode=f"{100000 + i}",
        )
        for i, event in enumerate(created)
    )
    cache.bump()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring_hub.settings")
    import django

    django.setup()
    {"sessions": sessions}[sys.argv[1]](int(sys.argv[2]))
