"""Mentoring and accountability groups: open sign-up, applications, waiting lists,
meetings in members' feeds, blocks, and what only members or the facilitator see."""

import re
from datetime import UTC, datetime
from functools import partial

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from icalendar import Calendar

from events.models import FeedToken
from mentoring import relationships
from mentoring.models import GroupMeeting, GroupMembership, MentoringGroup
from mentors.models import Block, Profile
from tests.concurrency import run_together
from tests.factories import make_profile, signed_in

pytestmark = pytest.mark.django_db
G = GroupMembership.Status
NOW = datetime(2027, 1, 11, 15, 0, tzinfo=UTC)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, real concurrency)"
)


def person(name, **kwargs):
    kwargs.setdefault("role", Profile.Role.MENTEE)
    return make_profile(display_name=name, **kwargs)


def make_group(**kwargs):
    kwargs.setdefault("facilitator", person("Fay", role=Profile.Role.MENTOR))
    kwargs.setdefault("kind", MentoringGroup.Kind.MENTORING)
    kwargs.setdefault("name", "New supervisors")
    kwargs.setdefault("description", "Monthly circle for first-time supervisors.")
    group = MentoringGroup(**kwargs)
    group.full_clean()
    group.save()
    return group


def test_an_open_group_fills_then_waits_and_a_leaver_promotes_the_first_waiting(deliver):
    group = make_group(size_limit=2)
    ann, bob, cy, dee = (person(n) for n in ("Ann", "Bob", "Cy", "Dee"))
    with deliver():
        for who in (ann, bob, cy, dee):
            signed_in(who).post(f"/groups/{group.pk}/join")
    statuses = dict(group.memberships.values_list("profile__display_name", "status"))
    assert statuses == {"Ann": G.MEMBER, "Bob": G.MEMBER, "Cy": G.WAITING, "Dee": G.WAITING}
    mail.outbox.clear()
    with deliver():
        signed_in(ann).post(f"/groups/{group.pk}/leave")
    statuses = dict(group.memberships.values_list("profile__display_name", "status"))
    assert statuses == {"Ann": G.LEFT, "Bob": G.MEMBER, "Cy": G.MEMBER, "Dee": G.WAITING}
    [message] = mail.outbox
    assert message.to == [cy.user.email]
    assert message.subject == "A place opened in New supervisors: you are in"


def test_applications_are_read_by_the_facilitator_alone(deliver):
    group = make_group(sign_up="apply", question="What do you want from the group?")
    ann, bob = person("Ann"), person("Bob")
    response = signed_in(ann).post(f"/groups/{group.pk}/join", {"answer": ""})
    assert not group.memberships.exists()  # an application needs an answer
    with deliver():
        signed_in(ann).post(f"/groups/{group.pk}/join", {"answer": "PRIVATE-ANSWER about my boss"})
    membership = group.memberships.get()
    assert membership.status == G.APPLIED
    [message] = mail.outbox
    assert message.to == [group.facilitator.user.email]
    assert "PRIVATE-ANSWER" not in message.body
    facilitator_page = signed_in(group.facilitator).get(group.get_absolute_url())
    assert "PRIVATE-ANSWER about my boss" in facilitator_page.content.decode()
    signed_in(bob).post(f"/groups/{group.pk}/join", {"answer": "Bob's own answer"})
    for who in (ann, bob):
        assert "PRIVATE-ANSWER" not in signed_in(who).get(group.get_absolute_url()).content.decode()
    # Only the facilitator may answer it.
    signed_in(bob).post(f"/groups/{group.pk}/applications/{membership.pk}/approve")
    membership.refresh_from_db()
    assert membership.status == G.APPLIED
    with deliver():
        response = signed_in(group.facilitator).post(
            f"/groups/{group.pk}/applications/{membership.pk}/approve"
        )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == G.MEMBER
    assert mail.outbox[-1].subject == "You are a member of New supervisors"
    bob_application = group.memberships.get(profile=bob)
    with deliver():
        signed_in(group.facilitator).post(
            f"/groups/{group.pk}/applications/{bob_application.pk}/decline"
        )
    bob_application.refresh_from_db()
    assert bob_application.status == G.DECLINED
    assert mail.outbox[-1].subject == "Your application to New supervisors"


def test_an_approved_applicant_waits_when_the_group_is_full():
    group = make_group(sign_up="apply", question="Why?", size_limit=2)
    members = [person(f"M{n}") for n in range(2)]
    for member in members:
        relationships.review_application(
            relationships.join_group(group, member, "Because"), group.facilitator, approve=True
        )
    late = relationships.join_group(group, person("Late"), "Because")
    assert (
        relationships.review_application(late, group.facilitator, approve=True).status == G.WAITING
    )


def test_members_start_accountability_groups_and_bad_input_is_refused(client):
    me = person("Pia")
    client = signed_in(me)
    data = {
        "name": "Job hunt accountability",
        "description": "We check in every Friday.",
        "online": "",
        "city": "",
        "size_limit": "6",
        "sign_up": "apply",
        "question": "",
        "expectations": "",
    }
    response = client.post("/groups/new/", data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Say which city the group meets in." in text
    assert "Groups joined by application need a question." in text
    assert not MentoringGroup.objects.exists()
    response = client.post("/groups/new/", {**data, "city": "Dayton", "question": "Your goal?"})
    group = MentoringGroup.objects.get()
    assert response["Location"] == group.get_absolute_url()
    assert (group.kind, group.facilitator) == (MentoringGroup.Kind.ACCOUNTABILITY, me)
    response = client.post("/groups/new/", {**data, "size_limit": "500", "online": "on"})
    assert "Ensure this value is less than or equal to 50." in response.content.decode()


def test_organisers_run_facilitated_groups_in_the_admin_without_seeing_answers(
    organiser_client,
):
    facilitator = person("Fay", role=Profile.Role.MENTOR)
    response = organiser_client.post(
        "/admin/mentoring/mentoringgroup/add/",
        {
            "kind": "mentoring",
            "name": "Women in leadership",
            "description": "Facilitated circle.",
            "facilitator": facilitator.pk,
            "online": "on",
            "city": "",
            "size_limit": "10",
            "sign_up": "apply",
            "question": "What brings you?",
            "expectations": "Come to four sessions.",
            "accepting": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    group = MentoringGroup.objects.get()
    relationships.join_group(group, person("Ann"), "ADMIN-HIDDEN answer")
    page = organiser_client.get(f"/admin/mentoring/mentoringgroup/{group.pk}/change/")
    assert "Ann" in page.content.decode()
    assert "ADMIN-HIDDEN" not in page.content.decode()
    listing = organiser_client.get("/admin/mentoring/groupmembership/").content.decode()
    assert "ADMIN-HIDDEN" not in listing


def feed_of(profile):
    response = Client().get(FeedToken.for_user(profile.user).get_absolute_url())
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_group_meetings_reach_members_feeds_and_only_members_see_where(deliver):
    with time_machine.travel(NOW, tick=False):
        group = make_group(size_limit=2)
        member, filler, waiting = person("Mel"), person("Fil"), person("Wes")
        for who in (member, filler, waiting):
            relationships.join_group(group, who)
        outsider = signed_in(person("Out"))
        response = outsider.post(
            f"/groups/{group.pk}/meetings",
            {"day": "2027-02-01", "time": "18:00", "minutes": "90"},
        )
        assert not GroupMeeting.objects.exists()
        with deliver():
            response = signed_in(group.facilitator).post(
                f"/groups/{group.pk}/meetings",
                {
                    "day": "2027-02-01",
                    "time": "18:00",
                    "minutes": "90",
                    "where": "https://meet.example/CIRCLE-LINK",
                },
            )
        assert response.status_code == 302
        meeting = GroupMeeting.objects.get()
        assert meeting.starts_at == datetime(2027, 2, 1, 18, 0, tzinfo=UTC)  # Fay's zone: UTC
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [member.user.email, filler.user.email]
        )
        for who in (member, group.facilitator):
            [event] = feed_of(who)
            assert str(event["SUMMARY"]) == "Group: New supervisors"
            assert str(event["LOCATION"]) == "https://meet.example/CIRCLE-LINK"
        assert feed_of(waiting) == []
        assert "CIRCLE-LINK" in signed_in(member).get(group.get_absolute_url()).content.decode()
        for who in (signed_in(waiting), outsider):
            page = who.get(group.get_absolute_url()).content.decode()
            # A word, not letters: a random CSRF token may hold "Mel".
            assert "CIRCLE-LINK" not in page and not re.search(r"\bMel\b", page)


def test_a_facilitator_who_blocked_someone_keeps_them_out():
    group = make_group()
    ann = person("Ann")
    Block.objects.create(blocker=group.facilitator.user, blocked=ann.user)
    client = signed_in(ann)
    assert client.get(group.get_absolute_url()).status_code == 404
    assert client.post(f"/groups/{group.pk}/join").status_code == 404
    assert "New supervisors" not in client.get("/groups/").content.decode()
    with pytest.raises(relationships.NotAllowed):
        relationships.join_group(group, ann)


def schedule(group, day):
    return signed_in(group.facilitator).post(
        f"/groups/{group.pk}/meetings",
        {"day": day, "time": "18:00", "minutes": "60", "where": f"BACK-ROOM-{day}"},
    )


@pytest.mark.parametrize("who_blocks", ["facilitator", "member", "a row made before the fix"])
def test_after_a_block_nothing_of_the_groups_meetings_reaches_the_other(deliver, who_blocks):
    with time_machine.travel(NOW, tick=False):
        group = make_group(size_limit=2)
        ann, bob, cy = person("Ann"), person("Bob"), person("Cy")
        for who in (ann, bob, cy):
            relationships.join_group(group, who)
        schedule(group, "2027-02-01")
        facilitator = group.facilitator
        if who_blocks == "facilitator":
            signed_in(facilitator).post(f"/mentors/{ann.pk}/block")
        elif who_blocks == "member":
            signed_in(ann).post(f"/mentors/{facilitator.pk}/block")
        else:
            Block.objects.create(blocker=facilitator.user, blocked=ann.user)
        mail.outbox.clear()
        with deliver():
            schedule(group, "2027-03-01")
        # Ann hears of no new meeting, and her feed no longer holds the old one or its place.
        assert ann.user.email not in [m.to[0] for m in mail.outbox]
        assert bob.user.email in [m.to[0] for m in mail.outbox]
        assert feed_of(ann) == []
        assert (
            "BACK-ROOM"
            not in Client().get(FeedToken.for_user(ann.user).get_absolute_url()).content.decode()
        )
        assert len(feed_of(bob)) == 2
        if who_blocks != "a row made before the fix":
            # A block through the site also ends her place, which goes to the first waiting.
            statuses = dict(group.memberships.values_list("profile__display_name", "status"))
            assert statuses == {"Ann": G.LEFT, "Bob": G.MEMBER, "Cy": G.MEMBER}


def test_groups_pages_query_the_same_whatever_the_numbers(django_assert_max_num_queries):
    group = make_group(size_limit=20)
    for n in range(8):
        relationships.join_group(group, person(f"P{n}"))
    make_group(name="Second")
    client = signed_in(group.facilitator)
    with django_assert_max_num_queries(10):
        assert client.get("/groups/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(group.get_absolute_url()).status_code == 200


def test_visitors_must_sign_in_to_see_groups():
    group = make_group()
    assert Client().get("/groups/").status_code == 302
    assert Client().get(group.get_absolute_url()).status_code == 302


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_people_racing_for_the_last_places_never_overfill_a_group():
    group = make_group(size_limit=2)
    people = [person(f"R{n}") for n in range(8)]
    results, errors = run_together([partial(relationships.join_group, group, p) for p in people])
    assert errors == []
    assert sorted(m.status for m in results).count(G.MEMBER) == 2
    assert group.memberships.filter(status=G.MEMBER).count() == 2
    assert group.memberships.filter(status=G.WAITING).count() == 6


def test_only_the_facilitator_changes_the_group():
    group = make_group()
    member = person("Mel")
    relationships.join_group(group, member)
    data = {
        "name": "Renamed",
        "description": "New text",
        "online": "on",
        "city": "",
        "size_limit": "8",
        "sign_up": "open",
        "question": "",
        "expectations": "Bring one question each time.",
    }
    signed_in(member).post(f"/groups/{group.pk}/edit", data)
    group.refresh_from_db()
    assert group.name == "New supervisors"
    response = signed_in(group.facilitator).post(f"/groups/{group.pk}/edit", data)
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.expectations) == ("Renamed", "Bring one question each time.")
    assert (
        "Bring one question each time."
        in signed_in(member).get(group.get_absolute_url()).content.decode()
    )
