from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core import mail

from events import proposals
from events.models import Proposal
from tests.factories import make_campaign, make_member

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 9, 1, 12, tzinfo=UTC)


@pytest.fixture
def uk_day():
    with time_machine.travel(NOW, tick=False):
        yield make_campaign(
            name="National Mentoring Day 2027",
            starts_on=date(2027, 10, 27),
            ends_on=date(2027, 10, 27),
        )


def form(campaign, **overrides):
    data = {
        "campaign": campaign.pk,
        "organisation": "Riverside Academy",
        "title": "Mentoring Day breakfast",
        "description": "Local employers meet students over breakfast.",
        "starts_on": "2027-10-27",
        "start_time": "08:00",
        "end_time": "09:30",
        "time_zone": "Europe/London",
        "platform": "in_person",
        "place": "Riverside Academy, main hall",
        "join_url": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_member_proposes_a_session_and_sees_its_state(
    client, uk_day, django_capture_on_commit_callbacks
):
    member = make_member()
    with time_machine.travel(NOW, tick=False):
        client.force_login(member)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/events/propose/", form(uk_day))
        assert response["Location"] == "/me/"
        dashboard = client.get("/me/").content.decode()
    proposal = Proposal.objects.get()
    assert (proposal.proposer, proposal.state) == (member, Proposal.State.SUBMITTED)
    # 08:00 in London on 27 October 2027 (still summer time) is 07:00 UTC.
    assert proposal.starts_at == datetime(2027, 10, 27, 7, tzinfo=UTC)
    assert "Mentoring Day breakfast" in dashboard and "Waiting for review" in dashboard
    assert mail.outbox[-1].subject == "We received your proposal: Mentoring Day breakfast"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_time": "07:00"}, "A session must end after it starts."),
        (
            {"start_time": None, "end_time": None},
            "Give a start time, or tick “time to be decided”.",
        ),
        ({"time_tbd": "on"}, "Clear the times, or untick “time to be decided”."),
        ({"starts_on": "2027-11-05"}, "Choose a date within the campaign"),
        ({"place": ""}, "Say where an in-person session takes place."),
        ({"time_zone": "Mars/Base"}, "Select a valid choice."),
        ({"join_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"title": "x" * 300}, "Ensure this value has at most 200 characters"),
    ],
)
def test_invalid_proposals_are_refused_with_a_message(client, uk_day, overrides, message):
    with time_machine.travel(NOW, tick=False):
        client.force_login(make_member())
        response = client.post("/events/propose/", form(uk_day, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Proposal.objects.count() == 0


def test_time_to_be_decided_is_fine(client, uk_day):
    with time_machine.travel(NOW, tick=False):
        client.force_login(make_member())
        client.post("/events/propose/", form(uk_day, time_tbd="on", start_time=None, end_time=None))
    proposal = Proposal.objects.get()
    assert (proposal.time_tbd, proposal.starts_at, proposal.starts_on) == (
        True,
        None,
        date(2027, 10, 27),
    )


def test_proposals_are_rate_limited(client, uk_day):
    with time_machine.travel(NOW, tick=False):
        client.force_login(make_member())
        for n in range(proposals.MAX_PER_DAY + 1):
            response = client.post("/events/propose/", form(uk_day, title=f"Idea {n}"), follow=True)
    assert Proposal.objects.count() == proposals.MAX_PER_DAY
    assert "Please wait a day before sending more." in response.content.decode()


def test_changes_requested_then_edited_goes_back_for_review(
    client, uk_day, django_capture_on_commit_callbacks
):
    member = make_member()
    with time_machine.travel(NOW, tick=False):
        client.force_login(member)
        client.post("/events/propose/", form(uk_day))
        proposal = Proposal.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            proposals.request_changes(proposal, "Please add a finishing time that suits parents.")
        assert mail.outbox[-1].subject == "Changes requested: Mentoring Day breakfast"
        assert "Please add a finishing time" in mail.outbox[-1].body
        page = client.get(f"/events/propose/{proposal.pk}/").content.decode()
        assert "Please add a finishing time that suits parents." in page
        client.post(f"/events/propose/{proposal.pk}/", form(uk_day, end_time="10:00"))
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED
    assert proposal.ends_at.astimezone(proposal.starts_at.tzinfo).time() == time(9)  # 10:00 BST


def test_nobody_else_can_edit_a_proposal(client, uk_day):
    with time_machine.travel(NOW, tick=False):
        owner = make_member()
        client.force_login(owner)
        client.post("/events/propose/", form(uk_day))
        client.force_login(make_member())
        assert client.get(f"/events/propose/{Proposal.objects.get().pk}/").status_code == 404


def test_declined_proposal_is_emailed_and_closed(
    client, uk_day, django_capture_on_commit_callbacks
):
    member = make_member()
    with time_machine.travel(NOW, tick=False):
        client.force_login(member)
        client.post("/events/propose/", form(uk_day))
        proposal = Proposal.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            proposals.decline(proposal, "We already have a breakfast that morning.")
        response = client.get(f"/events/propose/{proposal.pk}/")
    assert response["Location"] == "/me/"
    assert mail.outbox[-1].subject == "Your proposal was declined: Mentoring Day breakfast"


def test_proposing_needs_an_account(client):
    assert client.get("/events/propose/")["Location"] == "/accounts/login/?next=/events/propose/"


def test_a_title_with_a_line_break_is_refused(client, uk_day):
    with time_machine.travel(NOW, tick=False):
        client.force_login(make_member())
        response = client.post("/events/propose/", form(uk_day, title="Breakfast\nwith mentors"))
    assert response.status_code == 200
    assert "A title is one line: remove the line break." in response.content.decode()
    assert Proposal.objects.count() == 0


@pytest.fixture
def autumn():
    with time_machine.travel(NOW, tick=False):
        yield make_campaign(starts_on=date(2027, 3, 1), ends_on=date(2027, 11, 30))


def propose_in_new_york(client, campaign, **overrides):
    data = form(campaign, time_zone="America/New_York", **overrides)
    with time_machine.travel(NOW, tick=False):
        client.force_login(make_member())
        return client.post("/events/propose/", data)


def test_a_start_in_the_hour_clocks_skip_is_refused_with_what_happens(client, autumn):
    response = propose_in_new_york(
        client, autumn, starts_on="2027-03-14", start_time="02:30", end_time="03:30"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "2:30 a.m. on March 14, 2027 does not exist in America/New_York: clocks skip from "
        "2 a.m. to 3 a.m." in page
    )
    assert "A session must end after it starts." not in page
    assert Proposal.objects.count() == 0


def test_a_start_in_the_repeated_hour_asks_which_and_either_can_be_chosen(client, autumn):
    times = {"starts_on": "2027-11-07", "start_time": "01:30", "end_time": "02:15"}
    response = propose_in_new_york(client, autumn, **times)
    assert response.status_code == 200
    assert (
        "1:30 a.m. on Nov. 7, 2027 happens twice in America/New_York, when clocks go back: "
        "choose the first (1:30 a.m. EDT) or the second (1:30 a.m. EST) under "
        "“If the time happens twice”." in response.content.decode()
    )
    assert Proposal.objects.count() == 0
    propose_in_new_york(client, autumn, **times, repeated_hour="first")
    propose_in_new_york(client, autumn, **times, repeated_hour="second")
    starts = sorted(Proposal.objects.values_list("starts_at", flat=True))
    assert starts == [
        datetime(2027, 11, 7, 5, 30, tzinfo=UTC),  # 1:30 EDT
        datetime(2027, 11, 7, 6, 30, tzinfo=UTC),  # 1:30 EST
    ]
