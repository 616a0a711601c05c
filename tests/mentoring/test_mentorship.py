"""Inside a mentorship: contact details, messages, the agreement, goals, meetings in
both calendar feeds, check-ins, the fit question, close-out, and that none of what a
pair writes reaches anyone else."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from icalendar import Calendar

from events import ics
from events.models import FeedToken
from mentoring import relationships
from mentoring.models import (
    Agreement,
    CheckIn,
    CloseOut,
    Goal,
    Meeting,
    Mentorship,
    Message,
    WaitingListEntry,
)
from mentors.models import Profile
from tests.factories import PASSWORD, make_member, make_profile, signed_in

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 1, 11, 15, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pair(frozen):
    mentor = make_profile(
        display_name="Max",
        capacity=2,
        time_zone="America/New_York",
        share_email=True,
        phone="+1 555 0100",
        contact_note="Signal: max.mentor",
    )
    mentee = make_profile(role=Profile.Role.MENTEE, display_name="Mia", time_zone="Europe/London")
    return relationships.accept(relationships.ask(mentee, mentor, "Hello"), mentor)


def page_of(profile, mentorship):
    response = signed_in(profile).get(mentorship.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_each_side_sees_only_what_the_other_chose_to_share(pair):
    mia_page = page_of(pair.mentee, pair)
    assert pair.mentor.user.email in mia_page
    assert "+1 555 0100" in mia_page and "Signal: max.mentor" in mia_page
    max_page = page_of(pair.mentor, pair)
    assert pair.mentee.user.email not in max_page  # Mia shared nothing
    assert "Mia has not shared contact details: write to them here." in max_page
    stranger = signed_in(make_profile(display_name="Sam"))
    profile_page = stranger.get(pair.mentor.get_absolute_url()).content.decode()
    assert "+1 555 0100" not in profile_page and "max.mentor" not in profile_page


def test_contact_details_go_when_the_mentorship_ends(pair):
    relationships.end(pair, pair.mentee, "completed")
    assert "+1 555 0100" not in page_of(pair.mentee, pair)


def test_messages_reach_the_other_side_with_a_notice_and_no_addresses(pair, deliver):
    with deliver():
        response = signed_in(pair.mentee).post(
            f"{pair.get_absolute_url()}message", {"body": "Can we talk about my review?"}
        )
    assert response.status_code == 302
    [notice] = mail.outbox
    assert notice.to == [pair.mentor.user.email]
    assert notice.subject == "Mia sent you a message"
    whole = notice.body + notice.alternatives[0][0]
    assert pair.mentee.user.email not in whole and "my review" not in whole
    assert "Can we talk about my review?" in page_of(pair.mentor, pair)


def test_bad_posts_show_the_error_and_save_nothing(pair):
    client = signed_in(pair.mentee)
    base = pair.get_absolute_url()
    response = client.post(f"{base}message", {"body": "x" * 2001})
    assert response.status_code == 400
    assert "at most 2000 characters (it has 2001)" in response.content.decode()
    response = client.post(f"{base}goals", {"title": "", "status": "open"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(f"{base}checkins", {"on": "2027-01-11", "mood": "9", "notes": "x"})
    assert response.status_code == 400
    response = client.post(f"{base}agreement", {"expectations": "x", "frequency": "daily"})
    assert response.status_code == 400
    assert not Message.objects.exists() and not Goal.objects.exists()
    assert not CheckIn.objects.exists() and not Agreement.objects.exists()


def test_the_agreement_holds_once_both_confirm_the_same_text(pair):
    data = {
        "expectations": "Monthly calls; Mia brings an agenda.",
        "frequency": "monthly",
        "meeting_format": "video",
        "confidentiality": "Between us.",
        "ends_on": "2027-06-30",
    }
    signed_in(pair.mentor).post(f"{pair.get_absolute_url()}agreement", data)
    agreement = Agreement.objects.get()
    assert agreement.mentor_confirmed_at and not agreement.mentee_confirmed_at
    assert "You have not confirmed this version yet." in page_of(pair.mentee, pair)
    seen = agreement.version
    # Max changes it while Mia reads: her confirmation of the old text is refused.
    signed_in(pair.mentor).post(
        f"{pair.get_absolute_url()}agreement", {**data, "frequency": "weekly"}
    )
    response = signed_in(pair.mentee).post(
        f"{pair.get_absolute_url()}agreement/confirm", {"seen": seen}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.mentee_confirmed_at is None
    signed_in(pair.mentee).post(
        f"{pair.get_absolute_url()}agreement/confirm", {"seen": agreement.version}
    )
    agreement.refresh_from_db()
    assert agreement.confirmed
    assert "Both of you confirmed this agreement." in page_of(pair.mentor, pair)
    # A change by Mia clears Max's confirmation.
    signed_in(pair.mentee).post(f"{pair.get_absolute_url()}agreement", data)
    agreement.refresh_from_db()
    assert agreement.mentee_confirmed_at and agreement.mentor_confirmed_at is None


def test_goals_with_next_steps_and_status(pair):
    client = signed_in(pair.mentee)
    client.post(
        f"{pair.get_absolute_url()}goals",
        {"title": "Lead a project", "next_steps": "Ask my boss", "status": "open"},
    )
    goal = Goal.objects.get()
    client.post(
        f"{pair.get_absolute_url()}goals/{goal.pk}", {"status": "doing", "next_steps": "Asked"}
    )
    goal.refresh_from_db()
    assert (goal.status, goal.next_steps) == ("doing", "Asked")
    page = page_of(pair.mentor, pair)
    assert "Lead a project" in page and "in progress" in page


def feed(profile):
    url = FeedToken.for_user(profile.user).get_absolute_url()
    response = Client().get(url)
    assert response.status_code == 200
    return response, Calendar.from_ical(response.content)


def test_a_meeting_is_in_both_feeds_at_the_right_instant(pair, deliver):
    with deliver():
        response = signed_in(pair.mentor).post(
            f"{pair.get_absolute_url()}meetings",
            {
                "day": "2027-01-20",
                "time": "12:30",
                "minutes": "45",
                "format": "video",
                "where": "https://zoom.example/j/123",
            },
        )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    # 12:30 in New York (Max's zone) in January is 17:30 UTC.
    assert meeting.starts_at == datetime(2027, 1, 20, 17, 30, tzinfo=UTC)
    [notice] = mail.outbox
    assert notice.to == [pair.mentee.user.email]
    assert "Wednesday 20 January 2027, 17:30 GMT" in notice.body  # in Mia's London time
    for profile, other in ((pair.mentor, "Mia"), (pair.mentee, "Max")):
        _response, calendar = feed(profile)
        [event] = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("meeting-")]
        assert str(event["SUMMARY"]) == f"Mentoring: {other}"
        assert event.decoded("DTSTART") == datetime(2027, 1, 20, 17, 30, tzinfo=UTC)
        assert event["DTSTART"].params["TZID"] == "America/New_York"
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
        assert str(event["LOCATION"]) == "https://zoom.example/j/123"
        assert any(tz["TZID"] == "America/New_York" for tz in calendar.walk("VTIMEZONE"))
    stranger = make_profile(display_name="Sam")
    _response, calendar = feed(stranger)
    assert not calendar.walk("VEVENT")
    public = Client().get("/events/feed.ics").content.decode()
    assert "zoom.example/j/123" not in public and "Mentoring: " not in public


@pytest.mark.parametrize("ended_by", ["a block", "an ordinary end"])
def test_an_ended_mentorships_future_meetings_leave_both_calendars(pair, ended_by):
    """A block ends the mentorship quietly; its meetings must not stay confirmed (with
    their place) in the blocked person's calendar."""
    past, future = (
        relationships.schedule_meeting(
            pair,
            pair.mentor,
            starts_at=NOW + timedelta(days=days),
            minutes=60,
            time_zone="Europe/London",
            format="video",
            where=f"https://zoom.example/j/{days}",
        )
        for days in (-2, 3)
    )
    if ended_by == "a block":
        signed_in(pair.mentor).post(f"/mentors/{pair.mentee.pk}/block")
    else:
        signed_in(pair.mentor).post(f"{pair.get_absolute_url()}end", {"reason": "completed"})
    pair.refresh_from_db()
    assert pair.status == "ended"
    for profile in (pair.mentee, pair.mentor):
        _response, calendar = feed(profile)
        events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
        gone = events[f"meeting-{future.pk}@{ics.UID_DOMAIN}"]
        assert (str(gone["STATUS"]), int(gone["SEQUENCE"])) == ("CANCELLED", 1)
        assert "zoom.example" not in gone.to_ical().decode()
        held = events[f"meeting-{past.pk}@{ics.UID_DOMAIN}"]
        assert str(held["STATUS"]) == "CONFIRMED"  # what happened stays as it was


def test_a_cancelled_meeting_leaves_the_calendars_and_the_feed_changes(pair):
    meeting = relationships.schedule_meeting(
        pair,
        pair.mentee,
        starts_at=NOW + timedelta(days=3),
        minutes=60,
        time_zone="Europe/London",
        format="phone",
    )
    response, _calendar = feed(pair.mentor)
    url = FeedToken.for_user(pair.mentor.user).get_absolute_url()
    assert Client().get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    signed_in(pair.mentor).post(f"{pair.get_absolute_url()}meetings/{meeting.pk}/cancel")
    again = Client().get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 200
    [event] = Calendar.from_ical(again.content).walk("VEVENT")
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)


@pytest.mark.parametrize(
    ("day", "clock", "message"),
    [
        (
            "2027-03-14",
            "02:30",
            "2:30 a.m. on March 14, 2027 does not exist in America/New_York: clocks skip "
            "from 2 a.m. to 3 a.m.",
        ),
        (
            "2027-11-07",
            "01:30",
            "1:30 a.m. on Nov. 7, 2027 happens twice in America/New_York, when clocks go "
            "back: choose the first (1:30 a.m. EDT) or the second (1:30 a.m. EST)",
        ),
        ("2027-01-10", "09:00", "Choose a time in the future."),
        ("2027-02-30", "09:00", "Enter a valid date."),
    ],
)
def test_impossible_meeting_times_are_refused(pair, day, clock, message):
    response = signed_in(pair.mentor).post(
        f"{pair.get_absolute_url()}meetings",
        {"day": day, "time": clock, "minutes": "60", "format": "video"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("repeated_hour", "instant"),
    [
        ("first", datetime(2027, 11, 7, 5, 30, tzinfo=UTC)),  # 1:30 EDT
        ("second", datetime(2027, 11, 7, 6, 30, tzinfo=UTC)),  # 1:30 EST
    ],
)
def test_a_meeting_in_the_repeated_hour_is_the_one_chosen(pair, repeated_hour, instant):
    response = signed_in(pair.mentor).post(
        f"{pair.get_absolute_url()}meetings",
        {
            "day": "2027-11-07",
            "time": "01:30",
            "minutes": "60",
            "format": "video",
            "repeated_hour": repeated_hour,
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.get().starts_at == instant


def test_check_ins_are_kept_for_the_pair(pair):
    signed_in(pair.mentee).post(
        f"{pair.get_absolute_url()}checkins",
        {"on": "2027-01-11", "mood": "4", "notes": "Talked through the promotion board."},
    )
    page = page_of(pair.mentor, pair)
    assert "Talked through the promotion board." in page and "good progress" in page


def meet_in_an_hour(pair):
    return relationships.schedule_meeting(
        pair,
        pair.mentor,
        starts_at=NOW + timedelta(hours=1),
        minutes=30,
        time_zone="UTC",
        format="video",
    )


def test_the_fit_question_comes_after_the_first_meeting(pair):
    client = signed_in(pair.mentee)
    assert "Is this a good fit?" not in page_of(pair.mentee, pair)
    response = client.post(f"{pair.get_absolute_url()}fit", {"good_fit": "no"})
    pair.refresh_from_db()
    assert pair.status == "active"  # refused: no meeting yet
    meet_in_an_hour(pair)
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        assert "Is this a good fit?" in page_of(pair.mentee, pair)
        response = client.post(f"{pair.get_absolute_url()}fit", {"good_fit": "no"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.status, pair.end_reason) == ("ended", "not_a_fit")
    # Back to matching: Mia waits for the next round.
    assert WaitingListEntry.objects.filter(mentee=pair.mentee, mentor=None).exists()


def test_a_good_fit_answer_is_recorded_once(pair):
    meet_in_an_hour(pair)
    later = NOW + timedelta(hours=2)
    relationships.answer_fit(pair, pair.mentor, True, now=later)
    with pytest.raises(relationships.NotAllowed, match="already answered"):
        relationships.answer_fit(pair, pair.mentor, False, now=later)
    pair.refresh_from_db()
    assert pair.status == "active"


def test_close_out_feedback_is_given_once_after_the_end_and_shown_only_in_totals(
    pair, organiser_client
):
    client = signed_in(pair.mentee)
    answers = {"rating": "5", "goals_met": "partly", "would_recommend": "yes"}
    client.post(f"{pair.get_absolute_url()}feedback", answers)
    assert not CloseOut.objects.exists()  # not before the end
    relationships.end(pair, pair.mentor, "completed")
    client.post(f"{pair.get_absolute_url()}feedback", answers)
    client.post(f"{pair.get_absolute_url()}feedback", {**answers, "rating": "1"})
    assert list(CloseOut.objects.values_list("rating", flat=True)) == [5]
    page = organiser_client.get("/admin/mentoring/mentorship/outcomes/").content.decode()
    assert "1 answers so far: totals are shown from 5" in page
    assert "average" not in page
    for n in range(4):  # four more ended mentorships with feedback
        other = make_profile(role=Profile.Role.MENTEE, display_name=f"M{n}")
        ended = Mentorship.objects.create(
            mentor=pair.mentor,
            mentee=other,
            origin="request",
            status="ended",
            ended_at=NOW,
            end_reason="completed",
        )
        relationships.close_out(ended, other, rating=3, goals_met="yes", would_recommend=False)
    page = organiser_client.get("/admin/mentoring/mentorship/outcomes/").content.decode()
    assert "5 answers; average 3.4 out of 5; 20% would recommend mentoring here." in page


def test_nothing_the_pair_writes_reaches_anyone_else(pair, organiser_client):
    secrets = {
        "message": "SECRET-MESSAGE about my divorce",
        "goal": "SECRET-GOAL leave the service",
        "steps": "SECRET-STEPS talk to a lawyer",
        "checkin": "SECRET-CHECKIN felt low",
        "agreement": "SECRET-AGREEMENT weekly calls",
        "where": "https://zoom.example/j/SECRET-LINK",
    }
    base = pair.get_absolute_url()
    mia = signed_in(pair.mentee)
    mia.post(f"{base}message", {"body": secrets["message"]})
    mia.post(
        f"{base}goals", {"title": secrets["goal"], "next_steps": secrets["steps"], "status": "open"}
    )
    mia.post(f"{base}checkins", {"on": "2027-01-11", "mood": "2", "notes": secrets["checkin"]})
    mia.post(
        f"{base}agreement",
        {
            "expectations": secrets["agreement"],
            "frequency": "weekly",
            "meeting_format": "video",
            "confidentiality": "x",
        },
    )
    mia.post(
        f"{base}meetings",
        {
            "day": "2027-01-20",
            "time": "10:00",
            "minutes": "60",
            "format": "video",
            "where": secrets["where"],
        },
    )
    assert Message.objects.count() == Goal.objects.count() == CheckIn.objects.count() == 1
    assert Meeting.objects.count() == Agreement.objects.count() == 1
    assert all(s in page_of(pair.mentor, pair) for s in secrets.values())

    stranger = make_profile(display_name="Sam")
    outsider = signed_in(stranger)
    assert outsider.get(base).status_code == 404
    for action in ("message", "goals", "checkins", "agreement", "meetings", "fit", "feedback"):
        assert outsider.post(f"{base}{action}", {"body": "x"}).status_code == 404
    pages = [
        (outsider, "/me/mentoring/"),
        (outsider, pair.mentor.get_absolute_url()),
        (outsider, pair.mentee.get_absolute_url()),
        (outsider, "/mentors/?q=SECRET"),
        (Client(), "/events/feed.ics"),
        (Client(), FeedToken.for_user(stranger.user).get_absolute_url()),
        (organiser_client, "/admin/mentoring/mentorship/"),
        (organiser_client, f"/admin/mentoring/mentorship/{pair.pk}/change/"),
        (organiser_client, "/admin/mentoring/mentorship/outcomes/"),
        (organiser_client, "/admin/mentoring/mentorshiprequest/"),
        (organiser_client, f"/admin/mentors/profile/{pair.mentee.pk}/change/"),
    ]
    for client, url in pages:
        body = client.get(url).content.decode()
        leaked = [name for name, secret in secrets.items() if secret in body]
        assert not leaked, (url, leaked)
    # Not in Mia's own export either, except what she wrote herself.
    theirs = {"message": "MAX-SECRET-MESSAGE", "checkin": "MAX-SECRET-CHECKIN"}
    relationships.send_message(pair, pair.mentor, theirs["message"])
    CheckIn.objects.create(mentorship=pair, author=pair.mentor, notes=theirs["checkin"], mood=4)
    assert mia.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    export = mia.get("/me/data.json")
    assert export.status_code == 200
    [mentorship] = json.loads(export.content)["mentoring"]["mentorships"]
    assert [m["body"] for m in mentorship["messages_sent"]] == [secrets["message"]]
    assert [c["notes"] for c in mentorship["check_ins"]] == [secrets["checkin"]]
    body = export.content.decode()
    assert [name for name, secret in theirs.items() if secret in body] == []


def test_the_mentorship_page_queries_the_same_whatever_it_holds(
    pair, django_assert_max_num_queries
):
    for n in range(5):
        relationships.send_message(pair, pair.mentee, f"Message {n}")
        Goal.objects.create(mentorship=pair, title=f"Goal {n}")
        CheckIn.objects.create(mentorship=pair, author=pair.mentor, notes="n", mood=3)
    client = signed_in(pair.mentor)
    with django_assert_max_num_queries(16):
        assert client.get(pair.get_absolute_url()).status_code == 200


def test_contact_fields_are_not_in_the_organisers_profile_form(pair, organiser_client):
    page = organiser_client.get(f"/admin/mentors/profile/{pair.mentor.pk}/change/")
    assert "+1 555 0100" not in page.content.decode()
    assert make_member()  # organisers still reach the form itself
