"""Every URL with someone else's object in it: another member gets 404 (or is sent
away), sees none of it, and changes nothing. (Proposals: tests/events/test_proposals.py;
registrations and feed tokens: tests/events/test_booking.py and test_ics.py.)"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community.models import Story
from mentoring import relationships
from mentoring.models import (
    CheckIn,
    Goal,
    GroupMeeting,
    GroupMembership,
    Meeting,
    MentoringGroup,
    Mentorship,
    MentorshipRequest,
    Message,
    WaitingListEntry,
)
from mentors.models import Block, Profile
from tests.factories import make_member, make_profile, signed_in

pytestmark = pytest.mark.django_db
SECRET = "OWNER-ONLY-SECRET"


@pytest.fixture
def owned():
    """A mentor and mentee with everything a pair and a group can hold, all marked
    with SECRET; and an outsider who must reach none of it."""
    mentor = make_profile(display_name="Owner Mentor", capacity=3)
    mentee = make_profile(role=Profile.Role.MENTEE, display_name="Owner Mentee")
    pending = relationships.ask(
        make_profile(role=Profile.Role.MENTEE, display_name="Asker"), mentor, SECRET
    )
    pair = relationships.accept(relationships.ask(mentee, mentor, SECRET), mentor)
    relationships.send_message(pair, mentee, SECRET)
    goal = Goal.objects.create(mentorship=pair, title=SECRET, next_steps=SECRET)
    CheckIn.objects.create(mentorship=pair, author=mentee, notes=SECRET, mood=3)
    meeting = relationships.schedule_meeting(
        pair,
        mentor,
        starts_at=timezone.now() + timedelta(days=2),
        minutes=30,
        time_zone="UTC",
        format="video",
        where=SECRET,
    )
    group = MentoringGroup.objects.create(
        kind="peer",
        name="Owner circle",
        description="x",
        facilitator=mentor,
        sign_up="apply",
        question="Why?",
    )
    application = relationships.join_group(group, make_profile(role=Profile.Role.MENTEE), SECRET)
    GroupMeeting.objects.create(
        group=group, starts_at=timezone.now() + timedelta(days=3), time_zone="UTC", where=SECRET
    )
    waiting = WaitingListEntry.objects.create(mentee=mentee, mentor=None)
    block = Block.objects.create(blocker=mentee.user, blocked=make_member())
    story = Story.objects.create(
        author=mentee.user, author_name="Owner", kind="story", title=SECRET, body=SECRET
    )
    outsider = make_profile(display_name="Outsider", capacity=2)
    return {
        "pair": pair,
        "pending": pending,
        "goal": goal,
        "meeting": meeting,
        "group": group,
        "application": application,
        "waiting": waiting,
        "block": block,
        "story": story,
        "outsider": outsider,
    }


def test_pages_of_someone_elses_objects_are_not_found_and_show_nothing(owned):
    pair, group = owned["pair"], owned["group"]
    client = signed_in(owned["outsider"])
    urls = [
        pair.get_absolute_url(),
        f"/stories/{owned['story'].pk}/",  # not approved
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode(), url
    for url in ["/me/mentoring/", "/me/", group.get_absolute_url(), "/groups/", "/thanks/"]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert SECRET not in page.content.decode(), url


def test_posts_against_someone_elses_objects_change_nothing(owned):
    pair, group = owned["pair"], owned["group"]
    client = signed_in(owned["outsider"])
    base = pair.get_absolute_url()
    posts = [
        (f"{base}message", {"body": "intrusion"}),
        (
            f"{base}agreement",
            {
                "expectations": "x",
                "frequency": "weekly",
                "meeting_format": "video",
                "confidentiality": "x",
            },
        ),
        (f"{base}agreement/confirm", {"seen": "1"}),
        (f"{base}goals", {"title": "intrusion", "status": "open"}),
        (f"{base}goals/{owned['goal'].pk}", {"status": "done"}),
        (
            f"{base}meetings",
            {"day": "2030-01-01", "time": "10:00", "minutes": "30", "format": "video"},
        ),
        (f"{base}meetings/{owned['meeting'].pk}/cancel", {}),
        (f"{base}checkins", {"on": "2030-01-01", "mood": "3", "notes": "intrusion"}),
        (f"{base}fit", {"good_fit": "no"}),
        (f"{base}feedback", {"rating": "1", "goals_met": "no", "would_recommend": "no"}),
        (f"{base}end", {"reason": "other"}),
        (f"/me/mentoring/requests/{owned['pending'].pk}/accept", {}),
        (f"/me/mentoring/requests/{owned['pending'].pk}/decline", {}),
        (f"/me/mentoring/requests/{owned['pending'].pk}/withdraw", {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 404, url
    assert client.post(f"/me/mentoring/waiting/{owned['waiting'].pk}/leave").status_code == 404
    assert (
        client.post(f"/groups/{group.pk}/applications/{owned['application'].pk}/adopt").status_code
        == 404
    )
    # Owner-only actions that answer with a redirect and a message, changing nothing.
    client.post(f"/me/blocked/{owned['block'].pk}/unblock")
    client.post(f"/groups/{group.pk}/applications/{owned['application'].pk}/approve")
    client.post(
        f"/groups/{group.pk}/meetings", {"day": "2030-01-01", "time": "10:00", "minutes": "30"}
    )
    client.post(
        f"/groups/{group.pk}/edit",
        {
            "name": "Taken over",
            "description": "x",
            "online": "on",
            "size_limit": "8",
            "sign_up": "open",
        },
    )

    pair.refresh_from_db()
    group.refresh_from_db()
    owned["pending"].refresh_from_db()
    owned["goal"].refresh_from_db()
    owned["meeting"].refresh_from_db()
    owned["application"].refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE
    assert owned["pending"].status == MentorshipRequest.Status.PENDING
    assert owned["goal"].status == Goal.Status.OPEN
    assert not owned["meeting"].cancelled
    assert owned["application"].status == GroupMembership.Status.APPLIED
    assert group.name == "Owner circle" and group.meetings.count() == 1
    assert not Message.objects.filter(body="intrusion").exists()
    assert not Goal.objects.filter(title="intrusion").exists()
    assert Meeting.objects.count() == 1 and CheckIn.objects.count() == 1
    assert WaitingListEntry.objects.filter(pk=owned["waiting"].pk).exists()
    assert Block.objects.filter(pk=owned["block"].pk).exists()


def test_members_and_visitors_never_reach_admin_objects(owned):
    pair = owned["pair"]
    urls = [
        f"/admin/mentoring/mentorship/{pair.pk}/change/",
        f"/admin/mentoring/mentorshiprequest/{owned['pending'].pk}/change/",
        f"/admin/mentoring/mentoringgroup/{owned['group'].pk}/change/",
        f"/admin/community/story/{owned['story'].pk}/change/",
        "/admin/mentoring/mentorship/outcomes/",
    ]
    for client in (Client(), signed_in(owned["outsider"])):
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403), url
            assert SECRET not in response.content.decode()


def test_a_made_up_feed_token_is_not_found():
    assert Client().get("/events/feed/not-a-real-token.ics").status_code == 404
    assert Client().get("/events/feed/" + "a" * 43 + ".ics").status_code == 404
