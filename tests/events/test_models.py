from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Event, JoinOption, MeetingIdFormField, local_datetime
from tests.factories import make_event, make_join_option

pytestmark = pytest.mark.django_db
NY = "America/New_York"


def test_end_before_start_is_refused_with_a_message():
    event = make_event()
    event.ends_at = event.starts_at
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert caught.value.message_dict["ends_at"] == ["A session must end after it starts."]


def test_database_refuses_end_before_start_even_without_validation():
    event = make_event()
    event.ends_at = local_datetime(date(2027, 1, 12), time(10), NY)
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_tbd_session_cannot_carry_times():
    event = make_event(time_tbd=True, day=date(2027, 2, 1))
    assert (event.starts_at, event.ends_at, event.starts_on) == (None, None, date(2027, 2, 1))
    event.starts_at = local_datetime(date(2027, 2, 1), time(9), NY)
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert "time_tbd" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_timed_session_needs_a_start():
    event = Event(starts_on=date(2027, 1, 3), time_tbd=False)
    with pytest.raises(ValidationError) as caught:
        event.clean()
    assert caught.value.message_dict["starts_at"] == [
        "Give a start time, or tick “time to be decided”."
    ]


@pytest.mark.parametrize("slug", ["feed", "calendar", "join", "Feed"])
def test_reserved_slugs_are_refused(slug):
    event = Event(slug=slug)
    with pytest.raises(ValidationError) as caught:
        event.clean_fields(exclude=["campaign", "host", "title", "starts_on"])
    assert "reserved" in caught.value.message_dict["slug"][0]


def test_database_refuses_reserved_slug():
    event = make_event()
    event.slug = "feed"
    event.status = Event.Status.DRAFT
    event._loaded["status"] = Event.Status.DRAFT
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_published_slug_never_changes():
    event = Event.objects.get(pk=make_event(slug="kick-off").pk)
    event.slug = "kick-off-renamed"
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert "cannot change once the session is published" in caught.value.message_dict["slug"][0]
    with pytest.raises(ValidationError):
        event.save()
    assert Event.objects.get(pk=event.pk).slug == "kick-off"


def test_draft_slug_may_change():
    event = Event.objects.get(pk=make_event(status=Event.Status.DRAFT).pk)
    event.slug = "better-address"
    event.full_clean()
    event.save()
    assert Event.objects.filter(slug="better-address").exists()


def test_date_follows_the_start_in_the_sessions_zone():
    # 19:30-21:00 EST on 23 January is 00:30-02:00 UTC on the 24th: still the 23rd.
    event = make_event(
        starts_at=local_datetime(date(2023, 1, 23), time(19, 30), NY),
        ends_at=local_datetime(date(2023, 1, 23), time(21), NY),
        day=date(2023, 1, 24),
    )
    assert event.starts_on == date(2023, 1, 23)
    assert event.starts_at.utcoffset() is not None


def test_sequence_rises_for_calendar_changes_only():
    event = Event.objects.get(pk=make_event().pk)
    start = event.sequence
    event.description = "Fixed a typo"
    event.save()
    assert event.sequence == start
    event.starts_at = local_datetime(date(2027, 1, 12), time(10), NY)
    event.save()
    assert event.sequence == start + 1
    event.status = Event.Status.CANCELLED
    event.save()
    assert Event.objects.get(pk=event.pk).sequence == start + 2


def test_join_option_changes_raise_the_sequence():
    event = make_event()
    before = Event.objects.get(pk=event.pk).sequence
    option = make_join_option(event, meeting_id="1603334786")
    option.passcode = "371908"
    option.save()
    option.delete()
    assert Event.objects.get(pk=event.pk).sequence == before + 3


def test_bulk_update_is_refused():
    make_event()
    with pytest.raises(TypeError, match=r"Event\.save"):
        Event.objects.all().update(status=Event.Status.CANCELLED)


@pytest.mark.parametrize(
    ("digits", "shown"),
    [
        ("1603334786", "160 333 4786"),
        ("16133669742", "161 3366 9742"),
        ("123456789", "123 456 789"),
    ],
)
def test_meeting_id_is_shown_grouped_as_zoom_does(digits, shown):
    assert JoinOption(meeting_id=digits).meeting_id_display == shown


def test_meeting_id_as_pasted_is_stored_as_digits():
    assert MeetingIdFormField().clean("160 333-4786") == "1603334786"


@pytest.mark.parametrize("pasted", ["812 3456 7890", " 812-3456-7890 ", "812.3456.7890"])
def test_meeting_id_is_kept_as_digits_by_the_model(pasted):
    option = JoinOption(event=make_event(), platform="zoom_webinar", meeting_id=pasted)
    option.full_clean()
    option.save()
    assert JoinOption.objects.get().meeting_id == "81234567890"


@pytest.mark.parametrize(
    ("platform", "bad", "message"),
    [
        ("zoom_meeting", "16033", "A Zoom meeting or webinar ID is 9 to 11 digits; 16033 has 5."),
        (
            "zoom_webinar",
            "812 3456 7890 1",
            "A Zoom meeting or webinar ID is 9 to 11 digits; 812345678901 has 12.",
        ),
        (
            "zoom_meeting",
            "abc1234567",
            "A meeting or webinar ID is made of digits (spaces, dashes or dots between "
            "them are fine).",
        ),
        (
            "teams",
            "160333478612345",
            "A meeting or webinar ID is 9 to 12 digits; 160333478612345 has 15.",
        ),
    ],
)
def test_meeting_id_of_the_wrong_shape_is_refused(platform, bad, message):
    option = JoinOption(event=make_event(), platform=platform, meeting_id=bad)
    with pytest.raises(ValidationError) as caught:
        option.full_clean()
    assert caught.value.message_dict["meeting_id"] == [message]


def test_a_twelve_digit_teams_id_is_fine():
    option = JoinOption(event=make_event(), platform="teams", meeting_id="230 326 971 298")
    option.full_clean()
    assert option.meeting_id == "230326971298"


def test_in_person_option_needs_a_place():
    option = JoinOption(event=make_event(), platform=JoinOption.Platform.IN_PERSON)
    with pytest.raises(ValidationError) as caught:
        option.full_clean()
    assert "place" in caught.value.message_dict


@pytest.mark.parametrize(
    "title", ["Mentoring\nin action", "Mentoring\r\nin action", "Two\u2028lines"]
)
def test_a_title_is_one_line(title):
    event = make_event()
    event.title = title
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert caught.value.message_dict["title"] == ["A title is one line: remove the line break."]


def test_database_refuses_a_title_with_a_line_break():
    event = make_event()
    event.title = "Mentoring\nin action"
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()
