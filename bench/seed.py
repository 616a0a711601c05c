"""Bench data, created through Django in the bench's environment (idempotent).

python bench/seed.py sessions 1000
python bench/seed.py cohort 20000 4000
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
    analyze()


def analyze():
    """Fresh planner statistics after a bulk insert (autovacuum would get there later):
    with stale ones PostgreSQL sorts the whole schedule instead of reading the agenda's
    index, and the bench would measure that."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def cohort(n_mentees, n_mentors=4000, fields=80, topics=40, seed=7):
    """Mentees and mentors shaped like bench/matching.py's generated cohort: capacities
    1 to 5, mentees must match on career field (80 fields), so each has about 50
    eligible mentors. Bulk inserts: bench data only."""
    import random

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from mentors import suggest
    from mentors.models import CareerField, Language, Profile, Topic

    User = get_user_model()
    if Profile.objects.filter(display_name__startswith="Bench ").count() >= n_mentees + n_mentors:
        return
    # Mentors are public, so the directory bench sees them without signing in.
    rng = random.Random(seed)  # noqa: S311 -- reproducible bench data, not secrets
    field_ids = [
        CareerField.objects.get_or_create(name=f"Bench field {n}")[0].pk for n in range(fields)
    ]
    topic_ids = [Topic.objects.get_or_create(name=f"Bench topic {n}")[0].pk for n in range(topics)]
    language_ids = list(
        Language.objects.filter(code__in=["en", "es", "fr", "de", "tl"]).values_list(
            "pk", flat=True
        )
    )
    zones = [
        ("Pacific/Honolulu", -600),
        ("America/Los_Angeles", -480),
        ("America/Denver", -420),
        ("America/Chicago", -360),
        ("America/New_York", -300),
        ("UTC", 0),
        ("Europe/Berlin", 60),
        ("Asia/Tokyo", 540),
    ]
    password = make_password(None)
    people = [("mentor", n) for n in range(n_mentors)] + [("mentee", n) for n in range(n_mentees)]
    users = User.objects.bulk_create(
        [
            User(
                username=f"bench-{role}-{n}",
                email=f"bench-{role}-{n}@example.org",
                password=password,
            )
            for role, n in people
        ],
        batch_size=2000,
    )
    profiles = []
    for (role, n), user in zip(people, users, strict=True):
        mentor = role == "mentor"
        zone, offset = rng.choice(zones)
        formats = rng.sample(list(Profile.FORMAT_FIELDS.values()), rng.randint(1, 3))
        profiles.append(
            Profile(
                user=user,
                role=Profile.Role.MENTOR if mentor else Profile.Role.MENTEE,
                display_name=f"Bench {role} {n}",
                headline="Bench person: career mentoring and leadership",
                career_field_id=rng.choice(field_ids),
                experience=rng.randint(3, 5) if mentor else rng.randint(1, 3),
                time_zone=zone,
                utc_offset=offset,
                capacity=rng.randint(1, 5) if mentor else 1,
                visibility=Profile.Visibility.PUBLIC if mentor else Profile.Visibility.MEMBERS,
                must_match=[] if mentor else ["career_field"],
                **{name: name in formats for name in Profile.FORMAT_FIELDS.values()},
            )
        )
    profiles = Profile.objects.bulk_create(profiles, batch_size=2000)
    expertise, goals, languages = [], [], []
    for profile in profiles:
        mentor = profile.role == Profile.Role.MENTOR
        through = (Profile.expertise if mentor else Profile.goals).through
        (expertise if mentor else goals).extend(
            through(profile_id=profile.pk, topic_id=t)
            for t in rng.sample(topic_ids, 3 if mentor else 2)
        )
        languages.extend(
            Profile.languages.through(profile_id=profile.pk, language_id=lang)
            for lang in rng.sample(language_ids, rng.randint(1, 2))
        )
    for rows in (expertise, goals, languages):
        type(rows[0]).objects.bulk_create(rows, batch_size=5000)
    suggest.bump()
    analyze()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring_hub.settings")
    import django

    django.setup()
    {"sessions": sessions, "cohort": cohort}[sys.argv[1]](*map(int, sys.argv[2:]))
