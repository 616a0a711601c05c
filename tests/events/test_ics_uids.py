"""UIDs never change: a calendar that subscribed to a feed (or imported a file) keys its
copy of each event on the UID, so a new UID for the same session or meeting shows it
twice. Pinned for every kind of entry, in every calendar that carries it."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar

from events import booking
from events.models import FeedToken
from events.notices import calendar_attachment
from mentoring import relationships
from mentoring.models import GroupMeeting, MentoringGroup
from mentors.models import Profile
from tests.factories import make_event, make_profile

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 1, 11, 15, 0, tzinfo=UTC)
SESSION_UUID = uuid.UUID("0b7e4b7c-2f6a-4c59-9a51-6f1d3c2e8a10")


def uids(body):
    return sorted(str(event["UID"]) for event in Calendar.from_ical(body).walk("VEVENT"))


def test_uids_of_sessions_mentoring_meetings_and_group_meetings_are_pinned(client):
    with time_machine.travel(NOW, tick=False):
        session = make_event(uid=SESSION_UUID, title="Pinned")
        mentor = make_profile(display_name="Max", capacity=2, time_zone="America/New_York")
        mentee = make_profile(role=Profile.Role.MENTEE, display_name="Mia")
        pair = relationships.accept(relationships.ask(mentee, mentor, "Hello"), mentor)
        meeting = relationships.schedule_meeting(
            pair,
            mentor,
            starts_at=NOW + timedelta(days=3),
            minutes=60,
            time_zone="Europe/London",
            format="video",
        )
        group = MentoringGroup(
            facilitator=mentor,
            kind=MentoringGroup.Kind.MENTORING,
            name="Circle",
            description="A circle.",
        )
        group.full_clean()
        group.save()
        relationships.join_group(group, mentee)
        group_meeting = GroupMeeting.objects.create(
            group=group, starts_at=NOW + timedelta(days=5), minutes=90, time_zone="UTC"
        )
        booking.register(session, mentee.user)
        personal = Client().get(FeedToken.for_user(mentee.user).get_absolute_url())
    session_uid = "0b7e4b7c-2f6a-4c59-9a51-6f1d3c2e8a10@mentoring-hub"
    assert uids(personal.content) == sorted(
        [
            session_uid,
            f"meeting-{meeting.pk}@mentoring-hub",
            f"group-meeting-{group_meeting.pk}@mentoring-hub",
        ]
    )
    assert uids(client.get("/events/feed.ics").content) == [session_uid]
    assert uids(client.get(f"/events/{session.slug}.ics").content) == [session_uid]
    _name, attached, _type = calendar_attachment(session)
    assert uids(attached.encode()) == [session_uid]
