import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail

from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db
SIGNUP = "/accounts/signup/"


def signup_data(**overrides):
    data = {
        "email": "newcomer@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "adult": "on",
        "accept_terms": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_signup_asks_for_age_and_terms_with_labels(client):
    html = client.get(SIGNUP).content.decode()
    assert '<label for="id_adult">I am 18 or over</label>' in html
    assert 'href="/terms/">terms</a>' in html
    assert 'href="/privacy/">privacy notice</a>' in html
    assert '<html lang="en">' in html and 'class="site-header"' in html


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("adult", "You must be 18 or over to join."),
        ("accept_terms", "Please accept the terms and privacy notice to join."),
    ],
)
def test_signup_refuses_without_age_or_terms(client, missing, message):
    response = client.post(SIGNUP, signup_data(**{missing: None}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert get_user_model().objects.count() == 0
    assert mail.outbox == []


@time_machine.travel(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), tick=False)
def test_signup_records_consent_with_date_and_version(
    client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    user = get_user_model().objects.get(email="newcomer@example.org")
    assert user.terms_version == settings.TERMS_VERSION
    assert user.terms_accepted_at == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert user.adult_confirmed_at == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_email_must_be_verified_before_signing_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, signup_data())
    assert len(mail.outbox) == 1
    assert client.get("/me/").status_code == 302  # not signed in yet

    login = client.post("/accounts/login/", {"login": "newcomer@example.org", "password": PASSWORD})
    assert login["Location"] == "/accounts/confirm-email/"
    assert client.get("/me/")["Location"].startswith("/accounts/login/")

    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[0].body)[1]
    assert client.get(link).status_code == 200  # a page with a button: scanners do not confirm
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    dashboard = client.get("/me/")
    assert dashboard.status_code == 200
    assert "Signed in as newcomer@example.org" in dashboard.content.decode()


def test_verification_email_has_both_parts_in_the_site_look(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, signup_data())
    message = mail.outbox[0]
    html = {mimetype: content for content, mimetype in message.alternatives}["text/html"]
    assert message.subject == "[Mentoring Hub] Please Confirm Your Email Address"
    assert "/accounts/confirm-email/" in message.body
    assert 'class="brand"' in html and "/accounts/confirm-email/" in html


def test_anonymous_visitor_is_sent_to_log_in_and_back(client):
    member = make_member()
    response = client.get("/me/")
    assert response["Location"] == "/accounts/login/?next=/me/"
    back = client.post(response["Location"], {"login": member.email, "password": PASSWORD})
    assert back["Location"] == "/me/"


def test_failed_logins_are_rate_limited_per_account(client):
    member = make_member()
    for _ in range(5):
        client.post("/accounts/login/", {"login": member.email, "password": "wrong password"})
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/me/").status_code == 302  # even the right password is refused for now


def test_logout_is_a_post(client):
    member = make_member()
    client.force_login(member)
    assert client.get("/accounts/logout/").status_code == 200  # a confirmation page
    assert client.get("/me/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/me/").status_code == 302


@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/terms/", "/privacy/"],
)
def test_account_pages_use_the_site_layout(client, url):
    html = client.get(url).content.decode()
    assert html.count("<h1") == 1
    assert 'class="site-header"' in html
    assert '<a class="skip-link" href="#main">' in html
    assert "<script" not in html  # they work without JavaScript


@pytest.mark.parametrize(
    "url",
    ["/me/", "/me/emails/", "/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"],
)
def test_account_settings_pages_share_the_layout_and_menu(client, url):
    client.force_login(make_member())
    html = client.get(url).content.decode()
    assert html.count("<h1") == 1
    assert 'aria-label="Your account"' in html
    assert f'<a href="{url}" aria-current="page">' in html
    # Scripts only enhance: external, deferred files, never inline code.
    for tag in re.findall(r"<script[^>]*>", html):
        assert re.fullmatch(r'<script src="/static/js/[\w-]+\.js" defer>', tag)
