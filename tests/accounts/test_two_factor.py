import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.organisers import sync_organisers_group
from tests.factories import PASSWORD, make_member, make_organiser, sign_in_with_totp

pytestmark = pytest.mark.django_db


def enable_totp(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret):
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def sign_in_with_code(client, user, secret):
    return sign_in_with_totp(client, user, secret)


def test_staff_without_two_factor_are_sent_to_set_it_up(client):
    organiser = make_organiser()
    client.post("/accounts/login/", {"login": organiser.email, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_staff_signed_in_with_their_second_factor_can_use_the_admin(client):
    organiser = make_organiser()
    secret = enable_totp(organiser)
    sign_in_with_code(client, organiser, secret)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Run the campaign" in response.content.decode()


def test_staff_session_without_the_second_factor_must_reauthenticate(client):
    organiser = make_organiser()
    enable_totp(organiser)
    client.force_login(organiser)  # a session that never saw the code
    response = client.get("/admin/")
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"


def test_admin_login_page_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_any_member_can_turn_on_two_factor(client):
    member = make_member()
    secret = enable_totp(member)
    response = sign_in_with_code(client, member, secret)
    assert response.status_code == 302
    assert client.get("/accounts/2fa/").status_code == 200


def test_organisers_group_exists_with_exactly_its_permissions():
    group = Group.objects.get(name=settings.ORGANISERS_GROUP)
    codenames = sorted(group.permissions.values_list("codename", flat=True))
    models = ["campaign", "event", "host", "joinoption"]
    models += ["careerfield", "organisation", "topic", "language"]
    models += ["matchinground", "roundrule"]  # bulk matching rounds with pins and drops
    models += ["mentoringgroup"]  # organisers run facilitated groups
    models += ["mentorofthemonth", "guide"]  # they choose and write these
    expected = [
        f"{action}_{model}" for model in models for action in ("add", "change", "delete", "view")
    ]
    # Registrations and proposals change through their own flows, never added by hand.
    expected += ["change_registration", "view_registration", "change_proposal", "view_proposal"]
    # Members make their own profiles; organisers moderate them and review reports.
    # Special-category attributes and consent records are not theirs to open at all.
    expected += ["change_profile", "view_profile", "change_report", "view_report"]
    expected += ["change_matchingsettings", "view_matchingsettings"]  # the weights
    expected += ["view_roundpair"]  # proposed pairs come from the computation only
    # Relationships: states and counts only, never what the people wrote.
    expected += ["view_mentorship", "view_mentorshiprequest", "view_waitinglistentry"]
    expected += ["view_groupmembership", "view_changenotice"]
    # Moderation of what members offer for public pages.
    expected += ["change_thankyou", "view_thankyou", "change_nomination", "view_nomination"]
    expected += ["change_story", "delete_story", "view_story"]
    # The mail outbox: its envelope, and "retry now" for undeliverable messages.
    expected += ["change_outgoingemail", "view_outgoingemail"]
    assert codenames == sorted(expected)
    sync_organisers_group()  # idempotent
    assert Group.objects.filter(name=settings.ORGANISERS_GROUP).count() == 1
    assert sorted(group.permissions.values_list("codename", flat=True)) == codenames


def test_organiser_cannot_reach_users_or_groups(client):
    organiser = make_organiser()
    secret = enable_totp(organiser)
    sign_in_with_code(client, organiser, secret)
    assert not organiser.is_superuser
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 403
    assert client.get("/admin/mentoring_hub/outgoingemail/").status_code == 200


def public_view(client):
    """What a signed-in client sees of a draft and of attendees-only join details."""
    from events.models import Event
    from tests.factories import make_event, make_join_option

    draft = make_event(title="Draft DRAFT-TITLE", status=Event.Status.DRAFT)
    closed = make_event(title="Attendees only", join_audience=Event.Audience.ATTENDEES)
    make_join_option(closed, join_url="https://zoom.example.org/j/1", passcode="ATTENDEE-PASS")
    return {
        "draft page": client.get(draft.get_absolute_url()).status_code,
        "draft listed": "DRAFT-TITLE" in client.get("/events/").content.decode(),
        "passcode": "ATTENDEE-PASS" in client.get(closed.get_absolute_url()).content.decode(),
    }


MEMBER_VIEW = {"draft page": 404, "draft listed": False, "passcode": False}


@pytest.mark.parametrize("has_totp", [False, True])
def test_an_organiser_signed_in_with_a_password_alone_sees_the_site_as_a_member(client, has_totp):
    organiser = make_organiser()
    if has_totp:
        enable_totp(organiser)
        client.force_login(organiser)  # a session that never saw the code
    else:
        response = client.post("/accounts/login/", {"login": organiser.email, "password": PASSWORD})
        assert response.status_code == 302
    assert public_view(client) == MEMBER_VIEW


def test_an_organiser_signed_in_with_their_second_factor_previews_drafts(organiser_client):
    assert public_view(organiser_client) == {
        "draft page": 200,
        "draft listed": True,
        "passcode": True,
    }
