"""Every calendar we publish, checked by two parsers independent of the one that wrote it."""

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
import vobject
from django.core import mail
from django.core.management import call_command
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar
from icalendar import Event as VEvent

from events import booking, feeds, ics
from events.models import Event, FeedToken, local_datetime
from tests.factories import make_campaign, make_event, make_join_option, make_member

pytestmark = pytest.mark.django_db


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def parse_both(body):
    """{uid: (start, end, summary, status)} from vobject and from ical, in UTC."""
    text = body.decode()
    by_vobject = {}
    for event in vobject.readOne(text).vevent_list:
        start, end = event.dtstart.value, event.dtend.value if hasattr(event, "dtend") else None
        if isinstance(start, datetime):
            start = start.astimezone(UTC)
            end = end.astimezone(UTC) if end else None
        status = event.status.value if hasattr(event, "status") else None
        by_vobject[event.uid.value] = (start, end, event.summary.value, status)
    by_ical = {}
    for event in IcsCalendarStream.calendar_from_ics(text).events:
        start, end = event.dtstart, event.dtend
        if isinstance(start, datetime):
            start = start.astimezone(UTC)
            end = end.astimezone(UTC) if end else None
        status = event.status.value if event.status else None
        by_ical[event.uid] = (start, end, event.summary, status)
    assert by_vobject == by_ical
    return by_vobject


def feed(client, query=""):
    response = client.get(f"/events/feed.ics{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response


SEED = {
    "National Mentoring Month Kick-off": (utc(2023, 1, 9, 16), utc(2023, 1, 9, 17)),
    "USAFA - Mentoring Month Workshop": (utc(2023, 1, 11, 16), utc(2023, 1, 11, 17)),
    "AF Blue Lab – Mentoring in a Digital Era": (utc(2023, 1, 18, 23), utc(2023, 1, 19, 0)),
    "Crucial Conversation – Mentoring impact on Diversity and Inclusion": (
        utc(2023, 1, 24, 0, 30),
        utc(2023, 1, 24, 2),
    ),
    "Civilian Leadership Development School (CLDS) – Mentoring in Action": (
        utc(2023, 1, 31, 16),
        utc(2023, 1, 31, 17),
    ),
    "Us-Mentoring-Us (UMU) – “We Got Next”: the Mentee Perspective (time to be decided)": (
        date(2023, 2, 1),
        date(2023, 2, 2),
    ),
}


def test_public_feed_has_the_seed_schedule_to_the_minute(client, launch_schedule):
    parsed = parse_both(feed(client, "?campaign=national-mentoring-month-2023").content)
    assert {summary: (start, end) for start, end, summary, _s in parsed.values()} == SEED
    statuses = {summary: status for _a, _b, summary, status in parsed.values()}
    assert statuses[next(s for s in SEED if "time to be decided" in s)] == "TENTATIVE"
    assert {s for t, s in statuses.items() if "decided" not in t} == {"CONFIRMED"}


def test_public_feed_carries_public_join_details_as_printed(client, launch_schedule):
    body = vobject.readOne(feed(client, "?campaign=national-mentoring-month-2023").content.decode())
    kick_off = next(
        e for e in body.vevent_list if e.summary.value == "National Mentoring Month Kick-off"
    )
    assert "Webinar ID: 160 333 4786" in kick_off.description.value
    assert "Passcode: 371908" in kick_off.description.value
    assert (
        kick_off.url.value == "http://127.0.0.1:8000/events/national-mentoring-month-kick-off-2023/"
    )
    assert kick_off.categories.value == ["National Mentoring Month 2023", "Zoom webinar"]


@pytest.mark.parametrize(
    ("zone", "day", "clock", "expected"),
    [
        ("America/New_York", date(2027, 3, 13), time(11), utc(2027, 3, 13, 16)),  # EST
        ("America/New_York", date(2027, 3, 15), time(11), utc(2027, 3, 15, 15)),  # EDT
        ("America/New_York", date(2027, 11, 6), time(11), utc(2027, 11, 6, 15)),  # EDT
        ("America/New_York", date(2027, 11, 8), time(11), utc(2027, 11, 8, 16)),  # EST
        ("Europe/London", date(2027, 3, 27), time(10), utc(2027, 3, 27, 10)),  # GMT
        ("Europe/London", date(2027, 3, 29), time(10), utc(2027, 3, 29, 9)),  # BST
        ("Europe/London", date(2027, 10, 30), time(10), utc(2027, 10, 30, 9)),  # BST
        ("Europe/London", date(2027, 11, 1), time(10), utc(2027, 11, 1, 10)),  # GMT
    ],
)
def test_daylight_saving_boundaries_come_out_at_the_right_instant(
    client, zone, day, clock, expected
):
    campaign = make_campaign(starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    make_event(
        campaign=campaign,
        time_zone=zone,
        starts_at=local_datetime(day, clock, zone),
        ends_at=None,
        day=day,
    )
    # Another session in the other zone, so the feed carries two VTIMEZONEs.
    other = "Europe/London" if zone == "America/New_York" else "America/New_York"
    make_event(campaign=campaign, time_zone=other, day=date(2027, 6, 1))
    body = feed(client).content
    [(start, _end, _summary, _status)] = [
        v for v in parse_both(body).values() if v[0].date() == day
    ]
    assert start == expected
    text = body.decode()
    assert text.count("BEGIN:VTIMEZONE") == 2
    assert f"TZID:{zone}" in text and f"TZID:{other}" in text


def parse_all(body):
    """{summary: (start, end)} in UTC from icalendar, vobject and ical, which must agree."""
    by_icalendar = {}
    for event in Calendar.from_ical(body).walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        by_icalendar[str(event["SUMMARY"])] = (start.astimezone(UTC), end.astimezone(UTC))
    others = {summary: (start, end) for start, end, summary, _s in parse_both(body).values()}
    assert others == by_icalendar
    return by_icalendar


# 1:30 a.m. on 1 November 2026 happens twice in New York: first in EDT, then in EST.
# Two sessions there, an hour apart, 45 minutes each: {title: (start, end)} in UTC.
EXPECTED_130 = {
    title: (start, start + timedelta(minutes=45))
    for title, start in [
        ("First 1:30", utc(2026, 11, 1, 5, 30)),
        ("Second 1:30", utc(2026, 11, 1, 6, 30)),
    ]
}


@pytest.fixture
def repeated_hour_sessions():
    """The two sessions of EXPECTED_130, both at 1:30 a.m. New York wall time."""
    campaign = make_campaign(starts_on=date(2026, 10, 1), ends_on=date(2026, 11, 30))
    events = []
    for title, (start, end) in EXPECTED_130.items():
        event = make_event(
            campaign=campaign, title=title, starts_at=start, ends_at=end, day=date(2026, 11, 1)
        )
        make_join_option(event, meeting_id="1603334786")
        events.append(event)
    return events


def test_sessions_in_the_repeated_hour_reach_every_parser_an_hour_apart(
    client, repeated_hour_sessions
):
    assert parse_all(feed(client).content) == EXPECTED_130
    single = {}
    for event in repeated_hour_sessions:
        single |= parse_all(client.get(f"/events/{event.slug}.ics").content)
    assert single == EXPECTED_130


def test_personal_feeds_and_email_files_keep_the_repeated_hour_apart(
    client, repeated_hour_sessions, deliver
):
    member = make_member()
    with time_machine.travel(utc(2026, 10, 1), tick=False), deliver():
        for event in repeated_hour_sessions:
            booking.register(event, member)
    attached = {}
    for message in mail.outbox:
        [(_name, body, _type)] = message.attachments
        attached |= parse_all(body.encode())
    assert attached == EXPECTED_130
    token = FeedToken.for_user(member)
    assert parse_all(client.get(token.get_absolute_url()).content) == EXPECTED_130


def test_every_tzid_has_a_vtimezone(client, launch_schedule):
    make_event(time_zone="Asia/Tokyo", day=date(2027, 4, 1))
    text = feed(client).content.decode()
    used = set(re.findall(r";TZID=([^:;]+)[:;]", text))
    defined = set(re.findall(r"^TZID:(.+)\r$", text, re.M))
    assert used == defined == {"America/New_York", "Asia/Tokyo"}


def test_uid_is_stable_and_sequence_rises(client):
    event = make_event(
        title="Before", time_tbd=True, starts_at=None, ends_at=None, day=date(2027, 5, 1)
    )
    [(uid_before, first)] = parse_both(feed(client).content).items()
    event.title = "After"
    event.time_tbd = False
    event.starts_at = local_datetime(date(2027, 5, 1), time(9), "America/New_York")
    event.save()
    [(uid_after, second)] = parse_both(feed(client).content).items()
    assert uid_before == uid_after == f"{event.uid}@mentoring-hub"
    assert first[3] == "TENTATIVE" and second[3] == "CONFIRMED"
    assert second[0] == utc(2027, 5, 1, 13)
    text = feed(client).content.decode()
    assert f"SEQUENCE:{Event.objects.get().sequence}" in text and "SEQUENCE:0" not in text


def test_cancelled_sessions_stay_in_the_feed_marked(client):
    event = make_event(title="Panel")
    event.cancel()
    [(_start, _end, summary, status)] = parse_both(feed(client).content).values()
    assert (summary, status) == ("Cancelled: Panel", "CANCELLED")


def test_drafts_never_reach_a_feed(client):
    make_event(title="Secret draft", status=Event.Status.DRAFT)
    assert "Secret draft" not in feed(client).content.decode()


def test_text_is_escaped_and_folded(client):
    title = "Mentors, mentees; and “friends” 🎉 " + "long " * 40
    make_event(title=title[:200], summary="First line;\nsecond, and last")
    body = feed(client).content
    assert b"\r\n" in body and not re.search(rb"[^\r]\n", body)
    assert max(len(line) for line in body.split(b"\r\n")) <= 75
    [(_s, _e, summary, _st)] = parse_both(body).values()
    assert summary == title[:200]
    description = vobject.readOne(body.decode()).vevent.description.value
    assert description.startswith("First line;\nsecond, and last\n")


def test_names_with_a_line_break_are_escaped_in_every_calendar(client):
    """icalendar 7 writes a calendar's NAME and X-WR-CALNAME unescaped: a campaign named
    over two lines made its feed (and any single-session file) answer 500."""
    campaign = make_campaign(name="Spring\nsessions", slug="spring")
    make_event(campaign=campaign)
    body = feed(client, "?campaign=spring").content
    assert vobject.readOne(body.decode()).x_wr_calname.value == "Mentoring Hub – Spring\nsessions"
    assert len(parse_both(body)) == 1
    single = ics.calendar([], name="Two\nlines", description="Three\nmore\nlines")
    parsed = vobject.readOne(single.decode())
    assert parsed.contents["name"][0].value == "Two\nlines"
    assert parsed.x_wr_caldesc.value == "Three\nmore\nlines"


def test_feed_headers_for_subscribers(client, launch_schedule):
    text = feed(client, "?campaign=national-mentoring-month-2023").content.decode()
    assert "X-WR-CALNAME:Mentoring Hub – National Mentoring Month 2023\r\n" in text
    assert "X-WR-TIMEZONE:America/New_York\r\n" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    assert "METHOD:PUBLISH\r\n" in text


def test_restricted_join_details_never_reach_public_feeds(client):
    members = make_event(title="Members only", join_audience=Event.Audience.MEMBERS)
    make_join_option(
        members,
        join_url="https://zoom.example.org/j/members",
        meeting_id="1112223334",
        passcode="members-pass",
    )
    attendees = make_event(title="Attendees only", join_audience=Event.Audience.ATTENDEES)
    make_join_option(
        attendees, join_url="https://zoom.example.org/j/attendees", passcode="attendee-pass"
    )
    for response in (feed(client), client.get("/events/feed.json")):
        text = response.content.decode()
        for secret in (
            "members-pass",
            "attendee-pass",
            "zoom.example.org",
            "111 222 3334",
            "1112223334",
        ):
            assert secret not in text


def test_filters_narrow_the_feed_and_bad_ones_are_ignored(client, launch_schedule):
    body = feed(client, "?campaign=national-mentoring-month-2023&platform=facebook_live").content
    assert len(parse_both(body)) == 3
    everything = feed(client, "?platform=carrier-pigeon&campaign=nope").content
    assert len(parse_both(everything)) == 7  # the launch six and the UK summit, past included


def test_feeds_say_their_length_and_serve_their_copy_without_a_form(
    client, launch_schedule, monkeypatch
):
    """A Content-Length on every feed (gunicorn would otherwise send them chunked), the
    gzip form's own; a feed served again from this process's copy validates no form."""
    plain = client.get("/events/feed.ics?campaign=national-mentoring-month-2023")
    packed = client.get(
        "/events/feed.ics?campaign=national-mentoring-month-2023",
        headers={"accept-encoding": "gzip"},
    )
    schedule = client.get("/events/feed.json")
    for response in (plain, packed, schedule):
        assert response.status_code == 200
        assert int(response["Content-Length"]) == len(response.content) > 0
    assert len(packed.content) < len(plain.content)

    def no_form(*args, **kwargs):
        raise AssertionError("a form was validated for a stored feed")

    monkeypatch.setattr(feeds, "AgendaFilterForm", no_form)
    again = client.get("/events/feed.ics?campaign=national-mentoring-month-2023")
    assert again.content == plain.content
    assert client.get("/events/feed.json").content == schedule.content


def test_filters_that_read_alike_never_share_a_stored_feed(client, launch_schedule):
    """An escaped '&' is part of a value, not another filter: the second address asks
    for an unknown campaign (ignored: every session), the first for one session."""
    everything = feed(client, "?campaign=national-mentoring-month-2023%26q%3DKick-off")
    narrowed = feed(client, "?campaign=national-mentoring-month-2023&q=Kick-off")
    assert len(parse_both(everything.content)) == 7
    assert len(parse_both(narrowed.content)) == 1
    assert everything["ETag"] != narrowed["ETag"]


def test_a_filter_value_that_becomes_valid_narrows_the_feed_at_once(client, launch_schedule):
    before = feed(client, "?campaign=added-later")  # unknown: ignored, every session
    assert len(parse_both(before.content)) == 7
    make_event(title="In the new campaign", campaign=make_campaign(slug="added-later"))
    after = parse_both(feed(client, "?campaign=added-later").content)
    assert [summary for _s, _e, summary, _st in after.values()] == ["In the new campaign"]


def test_stored_feeds_stay_within_their_byte_budget(client, launch_schedule, monkeypatch):
    """Every spelling of a free-text filter is a feed of its own: the oldest served are
    dropped once the stored bytes pass the budget, and what is served stays right."""
    feeds.forget()
    one = len(feed(client).content)
    monkeypatch.setattr(feeds, "MAX_BUILT_BYTES", int(one * 2.5))
    for n in range(9):  # "Mentoring", "mEntoring", ...: every launch session matches
        word = "mentoring"
        feed(client, f"?q={word[:n]}{word[n].upper()}{word[n + 1 :]}")
    stored = feeds.stored_feeds()
    assert len(stored) <= 3
    assert feeds.stored_bytes() <= feeds.MAX_BUILT_BYTES
    assert feeds.stored_bytes() == sum(built.size for built in stored)
    assert len(feed(client).content) == one


def test_unchanged_feed_answers_304_without_building(
    client, launch_schedule, django_assert_max_num_queries
):
    first = feed(client)
    with django_assert_max_num_queries(1):  # the version read (the database cache in SQLite runs)
        again = client.get("/events/feed.ics", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    Event.objects.get(slug="usafa-mentoring-month-workshop-2023").cancel()
    changed = client.get("/events/feed.ics", headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "Last-Modified" in changed


@pytest.mark.parametrize("sessions", [1, 3])
def test_a_cold_feed_build_takes_the_same_queries_for_any_number_of_sessions(client, sessions):
    """Rows, sessions with their campaigns, join options: never a query per session (a
    field a VEVENT shows but feeds.VEVENT_FIELDS left out would be one), whichever
    zones, audiences and states the sessions have. The cache's own queries (the
    database cache in SQLite runs; Redis on PostgreSQL) are not the feed's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(sessions):
        event = make_event(
            title=f"Cold {n}",
            time_zone=("America/New_York", "Europe/London", "UTC")[n],
            time_tbd=n == 2,
            join_audience=(Event.Audience.PUBLIC, Event.Audience.MEMBERS)[n % 2],
        )
        make_join_option(event, passcode=f"pass-{n}")
    ics.forget_entries()
    with CaptureQueriesContext(connection) as queries:
        body = feed(client).content
    schedule = [q["sql"] for q in queries if '"events_' in q["sql"]]
    assert len(schedule) == 3, schedule
    assert len(parse_both(body)) == sessions


def test_session_paths_are_the_session_pages(db):
    from django.urls import set_script_prefix

    from events.models import session_paths

    event = make_event(title="Path")
    assert session_paths()(event.slug) == event.get_absolute_url() == f"/events/{event.slug}/"
    set_script_prefix("/hub/")
    try:
        assert session_paths()(event.slug) == event.get_absolute_url()
        assert event.get_absolute_url().startswith("/hub/")
    finally:
        set_script_prefix("/")


def test_personal_feed_has_my_sessions_with_the_stable_join_link(client):
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC), tick=False):
        mine = make_event(title="My workshop", join_audience=Event.Audience.ATTENDEES)
        make_join_option(
            mine, join_url="https://zoom.example.org/j/raw-link", passcode="attendee-pass"
        )
        make_event(title="Not mine")
        me = make_member()
        booking.register(mine, me)
    url = FeedToken.for_user(me).get_absolute_url()
    body = client.get(url).content
    parsed = parse_both(body)
    assert [v[2] for v in parsed.values()] == ["My workshop"]
    text = vobject.readOne(body.decode()).vevent.description.value
    assert f"http://127.0.0.1:8000/events/{mine.slug}/join" in text
    assert "attendee-pass" in text and "raw-link" not in text


def test_regenerating_the_token_stops_the_old_address(client):
    me = make_member()
    old = FeedToken.for_user(me).get_absolute_url()
    assert client.get(old).status_code == 200
    client.force_login(me)
    client.post("/me/feed/regenerate")
    new = FeedToken.for_user(me).get_absolute_url()
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_single_session_download(client, launch_schedule):
    response = client.get("/events/national-mentoring-month-kick-off-2023.ics")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="national-mentoring-month-kick-off-2023.ics"'
    )
    [(start, end, _summary, _status)] = parse_both(response.content).values()
    assert (start, end) == SEED["National Mentoring Month Kick-off"]


def test_json_schedule(client, launch_schedule):
    response = client.get("/events/feed.json?campaign=national-mentoring-month-2023")
    data = json.loads(response.content)
    assert response["Content-Type"] == "application/json"
    first, tbd = data["sessions"][0], data["sessions"][-1]
    assert first["title"] == "National Mentoring Month Kick-off"
    assert (first["start"], first["end"], first["time_zone"]) == (
        "2023-01-09T11:00:00-05:00",
        "2023-01-09T12:00:00-05:00",
        "America/New_York",
    )
    assert first["join"] == [
        {
            "platform": "zoom_webinar",
            "url": None,
            "meeting_id": "1603334786",
            "passcode": "371908",
            "place": None,
        }
    ]
    assert (tbd["date"], tbd["start"], tbd["time_to_be_decided"]) == ("2023-02-01", None, True)
    assert (
        client.get(
            response.request["PATH_INFO"] + "?campaign=national-mentoring-month-2023",
            headers={"if-none-match": response["ETag"]},
        ).status_code
        == 304
    )


def test_join_link_sends_those_allowed_to_the_meeting(client):
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC), tick=False):
        public = make_event(join_audience=Event.Audience.PUBLIC)
        make_join_option(public, join_url="https://zoom.example.org/j/public")
        private = make_event(join_audience=Event.Audience.ATTENDEES)
        make_join_option(private, join_url="https://zoom.example.org/j/private")
        assert (
            client.get(f"/events/{public.slug}/join")["Location"]
            == "https://zoom.example.org/j/public"
        )
        assert client.get(f"/events/{private.slug}/join")["Location"] == private.get_absolute_url()
        attendee = make_member()
        booking.register(private, attendee)
        client.force_login(attendee)
        assert (
            client.get(f"/events/{private.slug}/join")["Location"]
            == "https://zoom.example.org/j/private"
        )
        private.cancel()
        assert client.get(f"/events/{private.slug}/join")["Location"] == private.get_absolute_url()


def test_session_page_offers_calendar_buttons(client, launch_schedule):
    html = client.get("/events/national-mentoring-month-kick-off-2023/").content.decode()
    assert 'href="/events/national-mentoring-month-kick-off-2023.ics"' in html
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html
    assert "dates=20230109T160000Z%2F20230109T170000Z" in html
    assert "https://outlook.live.com/calendar/0/action/compose?" in html
    assert "webcal://" not in html  # subscribing is for feeds, not single sessions


def test_agenda_offers_to_subscribe_to_the_filtered_view(client, launch_schedule):
    html = client.get(
        "/events/?campaign=national-mentoring-month-2023&platform=facebook_live"
    ).content.decode()
    assert (
        'href="webcal://127.0.0.1:8000/events/feed.ics?campaign=national-mentoring-month-2023&amp;platform=facebook_live"'
        in html
    )
    assert (
        'value="http://127.0.0.1:8000/events/feed.ics?campaign=national-mentoring-month-2023&amp;platform=facebook_live"'
        in html
    )


def test_feed_url_command_prints_the_personal_feed(capsys):
    member = make_member(email="demo@example.org")
    call_command("feed_url", "demo@example.org")
    assert (
        capsys.readouterr().out.strip()
        == "http://127.0.0.1:8000" + FeedToken.for_user(member).get_absolute_url()
    )


def test_tbd_session_is_all_day_on_its_date_with_its_future_uid(client):
    event = make_event(
        time_tbd=True, starts_at=None, ends_at=None, day=date(2027, 2, 1), title="UMU"
    )
    text = feed(client).content.decode()
    assert "DTSTART;VALUE=DATE:20270201\r\n" in text and "DTEND;VALUE=DATE:20270202\r\n" in text
    assert "T000000" not in text.split("BEGIN:VEVENT")[1]
    assert f"UID:{event.uid}@mentoring-hub" in text


def test_feeds_are_gzipped_for_calendar_apps_that_ask(client, launch_schedule):
    import gzip

    plain = client.get("/events/feed.ics")
    packed = client.get("/events/feed.ics", headers={"accept-encoding": "gzip, deflate"})
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] != plain["ETag"]
    again = client.get(
        "/events/feed.ics", headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]}
    )
    assert again.status_code == 304


@given(
    summary=st.text(max_size=200),
    description=st.text(max_size=400),
    location=st.text(alphabet=st.characters(codec="utf-8"), max_size=120),
)
@settings(max_examples=300, deadline=None)
# "SUMMARY:" and 66 characters make a line of 74 octets (left alone), 67 make 75 (folded);
# two-octet characters straddle the same edge.
@example(summary="x" * 66, description="", location="")
@example(summary="x" * 67, description="", location="")
@example(summary="é" * 33 + "x", description="", location="")
@example(summary="é" * 34, description="", location="")
@example(summary="x" * 64 + "😀" * 30, description="", location="")
@example(summary="\ufeffStarts with a byte-order mark", description="\ufeff", location="")
def test_serialise_gives_the_same_bytes_as_icalendar(summary, description, location):
    """ics.serialise folds lines itself; the bytes must be exactly what icalendar
    writes, whatever the text (emoji, two-octet characters at the edge, escapes, CRLF)."""
    component = VEvent()
    component.add("UID", "same-bytes@mentoring-hub")
    component.add("SUMMARY", summary)
    component.add("DESCRIPTION", description)
    component.add("LOCATION", location)
    component.add("DTSTART", datetime(2027, 3, 14, 2, 30, tzinfo=ZoneInfo("America/New_York")))
    component.add("CATEGORIES", [summary[:20] or "x", "Zoom webinar"])
    assert ics.serialise(component) == component.to_ical()


@given(
    summary=st.text(alphabet='ab ,;:\\^\n"', max_size=300),
    description=st.text(alphabet="x\\^,;\n", max_size=600),
    location=st.text(alphabet=st.characters(codec="ascii"), max_size=300),
)
@settings(max_examples=300, deadline=None)
# A piece of 74 octets may not end on a backslash or caret: those move to the next one.
@example(summary="", description="x" * 61 + "\\" * 40, location="")
@example(summary="", description="", location="y" * 63 + "^" * 90)
def test_serialise_keeps_escapes_whole_across_folds_as_icalendar_does(
    summary, description, location
):
    """Long lines are cut by slicing, not by icalendar's per-character walk: the pieces,
    and so the bytes, must be exactly icalendar's (escapes included)."""
    component = VEvent()
    component.add("SUMMARY", summary)
    component.add("DESCRIPTION", description)
    component.add("LOCATION", location)
    component.add("URL", "https://example.org/" + "a/" * 60)
    assert ics.serialise(component) == component.to_ical()


def test_every_launch_session_serialises_as_icalendar_writes_it(launch_schedule):
    """The feed's own line writer against icalendar's, on real sessions: public and
    personal variants, TBD and timed, with and without join details."""
    events = Event.objects.prefetch_related("join_options").select_related("campaign")
    assert events.count() >= 6
    for event in events:
        for show_join, join_url in ((False, None), (True, None), (True, "https://x.test/j")):
            component = ics.vevent(
                event, site_url="https://hub.test", show_join=show_join, join_url=join_url
            )
            assert ics.serialise(component) == component.to_ical(), event.title


def test_a_new_worker_takes_serialised_sessions_from_the_shared_cache(client, monkeypatch):
    make_event(title="First")
    make_event(title="Second")
    served = client.get("/events/feed.ics").content
    # A new process: nothing built here, but the other worker's VEVENTs are shared.
    feeds.forget()

    def no_serialising(*args, **kwargs):
        raise AssertionError("serialised again")

    monkeypatch.setattr(ics, "vevent", no_serialising)
    assert client.get("/events/feed.ics").content == served


def test_a_changed_session_is_never_taken_stale_from_the_shared_cache(client):
    event = make_event(title="Before the change")
    assert b"Before the change" in client.get("/events/feed.ics").content
    event.title = "After the change"
    event.save()
    feeds.forget()
    body = client.get("/events/feed.ics").content
    assert b"After the change" in body and b"Before the change" not in body
