import csv
import io
import re
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core import mail

from events import booking
from events.models import Campaign, Event, Proposal, Registration, local_datetime
from tests.factories import make_campaign, make_event, make_join_option, make_member

pytestmark = pytest.mark.django_db
S = Registration.Status
BEFORE = datetime(2027, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/events/campaign/",
        "/admin/events/host/",
        "/admin/events/event/",
        "/admin/events/event/?when=upcoming&status__exact=published",
        "/admin/events/registration/",
        "/admin/events/proposal/",
    ],
)
def test_organiser_opens_every_changelist(organiser_client, url):
    make_event()
    assert organiser_client.get(url).status_code == 200


def action(client, model, name, objects, **extra):
    data = {"action": name, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(f"/admin/events/{model}/", data)


def test_event_list_shows_places_and_waiting(organiser_client):
    with time_machine.travel(BEFORE, tick=False):
        event = make_event(title="Popular", capacity=1)
        make_join_option(event)
        booking.register(event, make_member())
        booking.register(event, make_member())
    page = organiser_client.get("/admin/events/event/").content.decode()
    assert '<td class="field-seats">1/1</td>' in page
    assert '<td class="field-waiting">1</td>' in page
    assert '<td class="field-platforms">Zoom webinar</td>' in page
    assert "11 a.m. – noon EST" in page


def test_publish_and_cancel_actions_go_through_the_model(organiser_client):
    draft = make_event(status=Event.Status.DRAFT)
    action(organiser_client, "event", "publish", [draft])
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED and draft.sequence == 1
    action(organiser_client, "event", "cancel", [draft])
    draft.refresh_from_db()
    assert draft.status == Event.Status.CANCELLED and draft.sequence == 2


def test_duplicate_makes_a_draft_copy_with_join_options(organiser_client):
    event = make_event(title="Workshop")
    make_join_option(event, meeting_id="1603334786", passcode="371908")
    action(organiser_client, "event", "duplicate", [event])
    copy = Event.objects.get(title="Workshop (copy)")
    assert copy.status == Event.Status.DRAFT and copy.slug != event.slug
    assert list(copy.join_options.values_list("meeting_id", "passcode")) == [
        ("1603334786", "371908")
    ]


def test_copy_campaign_to_another_year_keeps_weekdays_and_local_times(organiser_client):
    campaign = make_campaign(
        name="Mentoring Month 2023", starts_on=date(2023, 1, 1), ends_on=date(2023, 2, 1)
    )
    monday = make_event(
        campaign=campaign,
        starts_at=local_datetime(date(2023, 1, 9), time(11), "America/New_York"),
        ends_at=local_datetime(date(2023, 1, 9), time(12), "America/New_York"),
        day=date(2023, 1, 9),
    )
    make_event(campaign=campaign, time_tbd=True, day=date(2023, 2, 1))
    page = action(organiser_client, "campaign", "copy_to_year", [campaign])
    assert "Copy campaigns to another year" in page.content.decode()
    action(organiser_client, "campaign", "copy_to_year", [campaign], year="2024")
    copy = Campaign.objects.get(name="Mentoring Month 2024")
    events = list(copy.events.chronological())
    assert [e.status for e in events] == [Event.Status.DRAFT, Event.Status.DRAFT]
    assert (
        events[0].starts_on == date(2024, 1, 8)
        and events[0].starts_on.weekday() == monday.starts_on.weekday()
    )
    assert events[0].local_start.time() == time(11)
    assert events[1].time_tbd and events[1].starts_on.weekday() == date(2023, 2, 1).weekday()


def test_a_campaign_copied_to_the_next_year_keeps_its_dates(organiser_client):
    campaign = make_campaign(
        name="Mentoring Month 2023", starts_on=date(2023, 1, 1), ends_on=date(2023, 1, 31)
    )
    la = "America/Los_Angeles"
    make_event(  # Sunday, the campaign's first day
        campaign=campaign,
        title="Opening",
        starts_at=local_datetime(date(2023, 1, 1), time(10), "America/New_York"),
        ends_at=local_datetime(date(2023, 1, 1), time(11), "America/New_York"),
        day=date(2023, 1, 1),
    )
    make_event(  # Tuesday, its last day: the evening in California is 1 February in UTC
        campaign=campaign,
        title="Closing",
        time_zone=la,
        starts_at=local_datetime(date(2023, 1, 31), time(20), la),
        ends_at=local_datetime(date(2023, 1, 31), time(21), la),
        day=date(2023, 1, 31),
    )
    action(organiser_client, "campaign", "copy_to_year", [campaign], year="2024")
    copy = Campaign.objects.get(name="Mentoring Month 2024")
    assert (copy.starts_on, copy.ends_on) == (date(2024, 1, 1), date(2024, 1, 31))
    sessions = {e.title: (e.starts_on, e.local_start.time()) for e in copy.events.all()}
    # Each keeps its weekday and local time, inside the campaign.
    assert sessions == {
        "Opening": (date(2024, 1, 7), time(10)),
        "Closing": (date(2024, 1, 30), time(20)),
    }


@pytest.mark.parametrize(
    ("year", "ends_on", "session_on"),
    [(2025, date(2025, 2, 28), date(2025, 2, 27)), (2028, date(2028, 2, 29), date(2028, 2, 24))],
)
def test_a_campaign_ending_on_29_february_is_copied_to_the_end_of_february(
    organiser_client, year, ends_on, session_on
):
    campaign = make_campaign(
        name="Leap Month 2024", starts_on=date(2024, 2, 1), ends_on=date(2024, 2, 29)
    )
    make_event(campaign=campaign, day=date(2024, 2, 29))  # a Thursday
    action(organiser_client, "campaign", "copy_to_year", [campaign], year=str(year))
    copy = Campaign.objects.get(name=f"Leap Month {year}")
    assert (copy.starts_on, copy.ends_on) == (date(year, 2, 1), ends_on)
    [session] = copy.events.all()
    assert session.starts_on == session_on and session_on.weekday() == 3
    assert session.local_start.time() == time(11)


def test_a_one_day_campaign_is_copied_to_the_same_date(organiser_client):
    campaign = make_campaign(
        name="National Mentoring Day 2023", starts_on=date(2023, 10, 27), ends_on=date(2023, 10, 27)
    )
    make_event(campaign=campaign, time_zone="Europe/London", day=date(2023, 10, 27))
    action(organiser_client, "campaign", "copy_to_year", [campaign], year="2024")
    copy = Campaign.objects.get(name="National Mentoring Day 2024")
    [session] = copy.events.all()
    assert copy.starts_on == copy.ends_on == session.starts_on == date(2024, 10, 27)
    assert session.local_start.time() == time(11)


def test_a_copy_landing_in_the_hour_clocks_skip_is_still_made(organiser_client):
    campaign = make_campaign(
        name="Spring 2026", starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 31)
    )
    ny = "America/New_York"
    make_event(  # 14 March 2027, a year on, is when New York skips from 2:00 to 3:00
        campaign=campaign,
        starts_at=local_datetime(date(2026, 3, 15), time(2, 30), ny),
        ends_at=local_datetime(date(2026, 3, 15), time(3, 30), ny),
        day=date(2026, 3, 15),
    )
    action(organiser_client, "campaign", "copy_to_year", [campaign], year="2027")
    [session] = Campaign.objects.get(name="Spring 2027").events.all()
    assert (session.starts_at, session.ends_at) == (  # read as calendars read 2:30 (RFC 5545)
        datetime(2027, 3, 14, 7, 30, tzinfo=UTC),
        datetime(2027, 3, 14, 8, 30, tzinfo=UTC),
    )


def test_copy_refuses_a_bad_year(organiser_client):
    campaign = make_campaign()
    response = action(organiser_client, "campaign", "copy_to_year", [campaign], year="twenty")
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()
    assert Campaign.objects.count() == 1


def test_attendee_export_neutralises_formulas(organiser_client):
    with time_machine.travel(BEFORE, tick=False):
        event = make_event(title='=HYPERLINK("http://evil")')
        booking.register(event, make_member(first_name="+cmd|' /C calc'!A0", last_name="Ada"))
        booking.register(event, make_member(first_name="Grace", last_name="Hopper"))
    response = action(organiser_client, "event", "export_attendees", [event])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["session", "date", "name", "email", "status", "registered at"]
    assert {row[0] for row in rows[1:]} == {'\'=HYPERLINK("http://evil")'}
    assert sorted(row[2] for row in rows[1:]) == ["'+cmd|' /C calc'!A0 Ada", "Grace Hopper"]


def test_email_attendees_reaches_confirmed_attendees_only(
    organiser_client, django_capture_on_commit_callbacks
):
    with time_machine.travel(BEFORE, tick=False):
        event = make_event(title="Panel", capacity=1)
        attending, waiting = make_member(), make_member()
        booking.register(event, attending)
        booking.register(event, waiting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action(
            organiser_client,
            "event",
            "email_attendees",
            [event],
            subject="Room change",
            message="We moved to room 2.",
        )
    assert [(m.to, m.subject) for m in mail.outbox] == [([attending.email], "Room change")]
    assert "We moved to room 2." in mail.outbox[0].body


def change_form_data(event, **overrides):
    local = event.local_start
    data = {
        "campaign": event.campaign_id,
        "host": event.host_id,
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "contact": "",
        "time_zone": event.time_zone,
        "starts_on": event.starts_on.isoformat(),
        "starts_at_0": local.date().isoformat(),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "ends_at_0": event.local_end.date().isoformat(),
        "ends_at_1": event.local_end.strftime("%H:%M:%S"),
        "status": event.status,
        "join_audience": event.join_audience,
        "capacity": event.capacity or "",
        "join_options-TOTAL_FORMS": "0",
        "join_options-INITIAL_FORMS": "0",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_raising_capacity_promotes_people_waiting(organiser_client):
    with time_machine.travel(BEFORE, tick=False):
        event = make_event(capacity=1)
        holder, first, second = make_member(), make_member(), make_member()
        for user in (holder, first, second):
            booking.register(event, user)
    response = organiser_client.post(
        f"/admin/events/event/{event.pk}/change/", change_form_data(event, capacity="2")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    statuses = dict(event.registrations.values_list("user", "status"))
    assert statuses == {holder.pk: S.CONFIRMED, first.pk: S.CONFIRMED, second.pk: S.WAITING}


def test_invalid_times_show_in_the_form(organiser_client):
    event = make_event()
    data = change_form_data(event, ends_at_1="10:00:00")
    response = organiser_client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 200
    assert "A session must end after it starts." in response.content.decode()
    event.refresh_from_db()
    assert event.local_end.time() == time(12)


def test_dashboard_figures(organiser_client):
    campaign = make_campaign()
    with time_machine.travel(datetime(2026, 12, 1, 15, tzinfo=UTC), tick=False):
        busy = make_event(campaign=campaign, title="Busy", capacity=2)
        make_join_option(busy, join_url="https://zoom.example.org/j/1")
        bare = make_event(campaign=campaign, title="Bare")
        make_join_option(bare)
        booking.register(busy, make_member())
    with time_machine.travel(datetime(2026, 12, 2, 15, tzinfo=UTC), tick=False):
        booking.register(busy, make_member())
        booking.register(busy, make_member())
        booking.register(bare, make_member())
    response = organiser_client.get(f"/admin/events/campaign/{campaign.pk}/dashboard/")
    context = response.context
    rows = {row["event"].title: row for row in context["sessions"]}
    assert (rows["Busy"]["confirmed"], rows["Busy"]["waiting"], rows["Busy"]["fill_percent"]) == (
        2,
        1,
        100,
    )
    assert rows["Busy"]["nearly_full"] and not rows["Busy"]["missing_join_details"]
    assert rows["Bare"]["missing_join_details"]
    assert [(bar["day"], bar["count"]) for bar in context["signups_per_day"]] == [
        (date(2026, 12, 1), 1),
        (date(2026, 12, 2), 3),
    ]
    assert "3 registered, 1 waiting; 2 sessions need attention." in response.content.decode()


def test_proposal_decisions_from_the_admin(organiser_client, django_capture_on_commit_callbacks):
    campaign = make_campaign(starts_on=date(2027, 10, 27), ends_on=date(2027, 10, 27))
    proposer = make_member()
    proposal = Proposal.objects.create(
        proposer=proposer,
        campaign=campaign,
        organisation="Hillside School",
        title="Careers breakfast",
        description="Alumni mentors meet sixth-formers.",
        starts_on=date(2027, 10, 27),
        time_tbd=True,
        time_zone="Europe/London",
        platform="in_person",
        place="Hillside School hall",
    )
    url = f"/admin/events/proposal/{proposal.pk}/change/"
    refused = organiser_client.post(url, {"decision": "changes", "organiser_note": ""})
    assert "Tell the proposer what to change or why." in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(url, {"decision": "approve", "organiser_note": "Lovely idea."})
    proposal.refresh_from_db()
    event = proposal.event
    assert proposal.state == Proposal.State.APPROVED
    assert (event.status, event.contact, event.host.name, event.time_tbd) == (
        Event.Status.PUBLISHED,
        proposer,
        "Hillside School",
        True,
    )
    assert event.join_options.get().place == "Hillside School hall"
    assert event.summary == "Alumni mentors meet sixth-formers."
    assert mail.outbox[-1].subject == "Your session is published: Careers breakfast"
    # The organiser's note goes with the approval, kept and emailed.
    assert proposal.organiser_note == "Lovely idea."
    assert "Lovely idea." in mail.outbox[-1].body


def test_proposal_review_shows_the_times_in_the_proposals_own_zone(organiser_client):
    # Submitted at 9:17 UTC, so the page's other times cannot read as the UTC start.
    with time_machine.travel(datetime(2026, 12, 1, 9, 17, tzinfo=UTC), tick=False):
        proposal_review_page_in_its_zone(organiser_client)


def proposal_review_page_in_its_zone(organiser_client):
    campaign = make_campaign()
    zone = "America/New_York"
    proposal = Proposal.objects.create(
        proposer=make_member(),
        campaign=campaign,
        organisation="Hillside School",
        title="Careers breakfast",
        description="Alumni mentors meet students.",
        starts_on=date(2027, 1, 12),
        starts_at=local_datetime(date(2027, 1, 12), time(11), zone),
        ends_at=local_datetime(date(2027, 1, 12), time(12, 30), zone),
        time_zone=zone,
        platform="zoom_meeting",
    )
    page = organiser_client.get(f"/admin/events/proposal/{proposal.pk}/change/").content.decode()
    assert "Tuesday, Jan. 12, 2027, 11 a.m. – 12:30 p.m. EST (America/New_York)" in page
    # The same times in UTC, as they were shown
    assert not re.search(r"\b4 p\.m\.|\b16:00", page)


def test_cancelling_a_registration_in_the_admin_promotes_the_next(organiser_client):
    with time_machine.travel(BEFORE, tick=False):
        event = make_event(capacity=1)
        holder, waiting = make_member(), make_member()
        booking.register(event, holder)
        booking.register(event, waiting)
        registration = event.registrations.get(user=holder)
    action(organiser_client, "registration", "cancel_registrations", [registration])
    statuses = dict(event.registrations.values_list("user", "status"))
    assert statuses == {holder.pk: S.CANCELLED, waiting.pk: S.CONFIRMED}


def test_registrations_cannot_be_added_by_hand(organiser_client):
    assert organiser_client.get("/admin/events/registration/add/").status_code == 403


def test_admin_times_are_in_the_sessions_zone(organiser_client):
    event = make_event(time_zone="Europe/London", day=date(2027, 7, 1))
    page = organiser_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert 'name="starts_at_1" value="11:00:00"' in page  # London wall clock, not UTC
    data = change_form_data(event, starts_at_1="09:30:00", ends_at_1="10:30:00")
    assert organiser_client.post(f"/admin/events/event/{event.pk}/change/", data).status_code == 302
    event.refresh_from_db()
    assert event.starts_at == datetime(2027, 7, 1, 8, 30, tzinfo=UTC)  # 09:30 BST


def test_a_title_with_a_line_break_is_refused_in_the_form(organiser_client):
    event = make_event(title="Panel")
    data = change_form_data(event, title="Mentoring\nin action")
    response = organiser_client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 200
    assert "A title is one line: remove the line break." in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Panel"


def as_a_browser_types(page, name, value):
    """`value` as a browser submits it into the input `name` of `page`: cut at the
    input's maxlength, as browsers cut a pasted value without a word."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page).group(0)
    limit = re.search(r'maxlength="(\d+)"', tag)
    return value[: int(limit.group(1))] if limit else value


@pytest.mark.parametrize(
    ("pasted", "stored"),
    [
        ("812 3456 7890", "81234567890"),
        ("812-3456-7890", "81234567890"),
        ("812.345.6789", "8123456789"),
    ],
)
def test_a_webinar_id_pasted_with_spaces_is_saved_whole(organiser_client, pasted, stored):
    event = make_event()
    url = f"/admin/events/event/{event.pk}/change/"
    page = organiser_client.get(url).content.decode()
    typed = as_a_browser_types(page, "join_options-__prefix__-meeting_id", pasted)
    data = change_form_data(
        event,
        **{
            "join_options-TOTAL_FORMS": "1",
            "join_options-0-platform": "zoom_webinar",
            "join_options-0-meeting_id": typed,
            "join_options-0-position": "0",
        },
    )
    response = organiser_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert event.join_options.get().meeting_id == stored


def test_a_zoom_id_of_the_wrong_length_is_refused_with_a_message(organiser_client):
    event = make_event()
    data = change_form_data(
        event,
        **{
            "join_options-TOTAL_FORMS": "1",
            "join_options-0-platform": "zoom_webinar",
            "join_options-0-meeting_id": "812 3456 7890 1",
            "join_options-0-position": "0",
        },
    )
    response = organiser_client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 200
    assert (
        "A Zoom meeting or webinar ID is 9 to 11 digits; 812345678901 has 12."
        in response.content.decode()
    )
    assert not event.join_options.exists()


def test_admin_refuses_a_time_clocks_skip_and_names_the_problem(organiser_client):
    event = make_event()
    data = change_form_data(
        event, starts_at_0="2027-03-14", starts_at_1="02:30:00", ends_at_0="2027-03-14"
    )
    response = organiser_client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 200
    assert (
        "2:30 a.m. on March 14, 2027 does not exist in America/New_York: clocks skip from "
        "2 a.m. to 3 a.m." in response.content.decode()
    )
    event.refresh_from_db()
    assert event.starts_on == date(2027, 1, 12)


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("first", datetime(2027, 11, 7, 5, 30, tzinfo=UTC)),
        ("second", datetime(2027, 11, 7, 6, 30, tzinfo=UTC)),
    ],
)
def test_admin_schedules_either_occurrence_of_a_repeated_time(organiser_client, choice, expected):
    event = make_event()
    url = f"/admin/events/event/{event.pk}/change/"
    times = {
        "starts_at_0": "2027-11-07",
        "starts_at_1": "01:30:00",
        "ends_at_0": "2027-11-07",
        "ends_at_1": "03:00:00",
    }
    asked = organiser_client.post(url, change_form_data(event, **times))
    assert asked.status_code == 200
    assert "happens twice in America/New_York, when clocks go back" in asked.content.decode()
    response = organiser_client.post(url, change_form_data(event, **times, repeated_hour=choice))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.starts_at == expected
    # The form shows the occurrence chosen, so saving again keeps it.
    page = organiser_client.get(url).content.decode()
    assert f'<option value="{choice}" selected>' in page
    assert (
        organiser_client.post(
            url, change_form_data(event, **times, repeated_hour=choice)
        ).status_code
        == 302
    )
    event.refresh_from_db()
    assert event.starts_at == expected
