"""Your data: download all of it, or delete the account."""

import json

import pytest
from django.contrib.auth import get_user_model

from events import booking
from events.models import Registration
from mentors import sensitive
from mentors.models import Block, ConsentRecord, Profile, Report
from tests.factories import PASSWORD, make_event, make_member, make_profile

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    """Sign in and confirm the password again, as allauth asks before sensitive steps."""
    client.force_login(user)
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("url", ["/me/data.json", "/me/delete/"])
def test_data_download_and_deletion_ask_for_the_password_again(client, url):
    member = make_member()
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/reauthenticate/?next={url.replace('/', '%2F')}"
    response = client.post(response["Location"], {"password": "wrong"})
    assert client.get(url).status_code == 302
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get(url).status_code == 200


def test_data_download_holds_everything_about_the_person(client, time_machine):
    time_machine.move_to("2027-01-04 12:00Z", tick=False)
    member = make_member(first_name="Ada")
    profile = make_profile(
        member,
        headline="Cyber officer",
        bio="Ask me anything",
        expertise=["Leadership"],
        goals=["Writing"],
        languages=["es"],
        sensitive={"efmp": ("enrolled", sensitive.Use.SEARCH)},
    )
    event = make_event(title="Kick-off")
    Registration.objects.create(event=event, user=member)
    other = make_profile(display_name="Someone Else")
    Report.objects.create(reporter=member, profile=other, reason="spam", note="ads")
    Block.objects.create(blocker=member, blocked=other.user)
    sign_in(client, member)

    response = client.get("/me/data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="mentoring-hub-my-data-2027-01-04.json"'
    )
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == member.email
    assert data["account"]["email_addresses"] == [
        {"email": member.email, "verified": True, "primary": True}
    ]
    assert data["profile"]["headline"] == "Cyber officer"
    assert data["profile"]["expertise"] == ["Leadership"]
    assert data["profile"]["goals"] == ["Writing"]
    assert data["profile"]["languages"] == ["es"]
    assert data["profile"]["sensitive_attributes"] == [
        {
            "attribute": "efmp",
            "value": "enrolled",
            "value_label": "My family is enrolled in EFMP",
            "use": "search",
            "consented_at": "2027-01-04T12:00:00+00:00",
        }
    ]
    assert data["consent_records"] == [
        {"attribute": "efmp", "choice": "search", "recorded_at": "2027-01-04T12:00:00+00:00"}
    ]
    assert [r["session"] for r in data["registrations"]] == ["Kick-off"]
    assert data["reports_made"][0]["note"] == "ads"
    assert data["blocked_members"][0]["member"] == "Someone Else"
    assert profile.display_name == data["profile"]["display_name"]
    # Nothing about other people beyond what the person themselves wrote or chose.
    assert other.user.email not in response.content.decode()


def test_deleting_needs_the_word_and_changes_nothing_without_it(client):
    member = make_member()
    sign_in(client, member)
    page = client.get("/me/delete/").content.decode()
    assert "cannot be undone" in page and "Download your data first" in page
    response = client.post("/me/delete/", {"confirm": "yes"})
    assert "Type DELETE to confirm" in response.content.decode()
    assert get_user_model().objects.filter(pk=member.pk).exists()


def test_deleting_the_account_removes_everything_and_frees_places(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    from mentors.photos import process
    from tests.mentors.test_profiles import jpeg

    member = make_member()
    profile = make_profile(member, sensitive={"race": ("asian", sensitive.Use.SHOWN)})
    profile.set_photo(process(jpeg()))
    photo_files = [tmp_path / profile.photo.name, tmp_path / profile.photo_small.name]
    assert all(path.exists() for path in photo_files)

    event = make_event(capacity=1)
    waiting = make_member()
    with django_capture_on_commit_callbacks(execute=True):
        booking.register(event, member)
        booking.register(event, waiting)
    reported = make_profile(display_name="Reported")
    report = Report.objects.create(reporter=member, profile=reported, reason="spam")

    sign_in(client, member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/delete/", {"confirm": "DELETE"})
    assert response["Location"] == "/"
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    assert not Profile.objects.filter(pk=profile.pk).exists()
    assert not ConsentRecord.objects.filter(user_id=member.pk).exists()
    assert not Registration.objects.filter(user_id=member.pk).exists()
    assert not any(path.exists() for path in photo_files)
    # The first person waiting took the freed place.
    assert Registration.objects.get(user=waiting).status == Registration.Status.CONFIRMED
    # A record others must keep stays, without the person.
    report.refresh_from_db()
    assert report.reporter is None
    # Signed out, and the password no longer works.
    assert client.get("/me/").status_code == 302
    login = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert login.status_code == 200


def test_organisers_see_former_member_on_a_deleted_reporters_report(organiser_client):
    report = Report.objects.create(reporter=None, profile=make_profile(), reason="spam")
    page = organiser_client.get(f"/admin/mentors/report/{report.pk}/change/").content.decode()
    assert "former member" in page


def test_leaving_ends_mentorships_with_notice_and_frees_group_places(client, deliver):
    from django.core import mail

    from mentoring import relationships
    from mentoring.models import GroupMembership, MentoringGroup, Mentorship

    mentor = make_profile(display_name="Leaving Lee", capacity=2)
    mentee = make_profile(role=Profile.Role.MENTEE, display_name="Staying Sue")
    pair = relationships.accept(relationships.ask(mentee, mentor, "Hello"), mentor)
    pending = relationships.ask(make_profile(role=Profile.Role.MENTEE), mentor, "Hi")
    group = MentoringGroup.objects.create(
        kind="peer", name="Circle", description="x", facilitator=mentee, size_limit=2
    )
    relationships.join_group(group, mentor)
    relationships.join_group(group, make_profile(role=Profile.Role.MENTEE, display_name="Filler"))
    waiting = make_profile(role=Profile.Role.MENTEE, display_name="Waiting Wyn")
    relationships.join_group(group, waiting)
    mail.outbox.clear()
    sign_in(client, mentor.user)
    with deliver():
        client.post("/me/delete/", {"confirm": "DELETE"})
    assert not Mentorship.objects.filter(pk=pair.pk).exists()  # gone with the profile
    assert not type(pending).objects.filter(pk=pending.pk).exists()  # gone with Lee too
    subjects = {(m.to[0], m.subject) for m in mail.outbox}
    assert (mentee.user.email, "Leaving Lee ended your mentorship") in subjects
    assert (waiting.user.email, "A place opened in Circle: you are in") in subjects
    assert GroupMembership.objects.get(profile=waiting).status == "member"


def test_the_download_holds_my_mentoring_but_not_what_the_other_side_wrote(client):
    from mentoring import relationships
    from mentoring.models import MentoringGroup

    mentor = make_profile(display_name="Max", capacity=2)
    me = make_profile(role=Profile.Role.MENTEE, display_name="Me", phone="+44 20 0000")
    pair = relationships.accept(relationships.ask(me, mentor, "MY-REQUEST words"), mentor)
    relationships.send_message(pair, me, "MY-MESSAGE")
    relationships.send_message(pair, mentor, "THEIR-MESSAGE")
    group = MentoringGroup.objects.create(
        kind="peer",
        name="Circle",
        description="x",
        facilitator=mentor,
        sign_up="apply",
        question="Why?",
    )
    relationships.join_group(group, me, "MY-ANSWER")
    sign_in(client, me.user)
    data = json.loads(client.get("/me/data.json").content)
    text = json.dumps(data)
    for mine in ("MY-REQUEST words", "MY-MESSAGE", "MY-ANSWER", "+44 20 0000"):
        assert mine in text
    assert "THEIR-MESSAGE" not in text
    assert data["mentoring"]["groups"][0]["status"] == "applied"


def test_deleting_the_account_leaves_nothing_addressed_to_it_in_the_outbox(client):
    """Mail still waiting for a server that is down holds the person's name and text;
    sent mail keeps their address. Neither outlives the account, and nothing more is
    sent to them."""
    from django.core import mail as outbox_mail

    from mentoring_hub.mail import send
    from mentoring_hub.models import OutgoingEmail

    member = make_member()
    other = make_member()
    for person in (member, other):  # queued, never delivered (their task did not run)
        send("emails/test_notice", user=person, context={"name": "Queued"})
    assert OutgoingEmail.objects.filter(recipient=member.email).exists()
    sign_in(client, member)
    client.post("/me/delete/", {"confirm": "DELETE"})
    assert not OutgoingEmail.objects.filter(recipient=member.email).exists()
    assert OutgoingEmail.objects.filter(recipient=other.email).exists()
    assert not any(member.email in message.to for message in outbox_mail.outbox)
