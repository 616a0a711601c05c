from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from accounts.models import EmailKind, EmailOptOut
from mentoring_hub import mail as outbox
from mentoring_hub.models import OutgoingEmail
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def send_test_notice(user, kind=EmailKind.REMINDERS):
    return outbox.send("emails/test_notice", user=user, kind=kind, context={"what": "Kick-off"})


def test_notice_through_real_smtp_has_both_parts_and_unsubscribe_headers(
    smtp_settings, settings, django_capture_on_commit_callbacks
):
    member = make_member(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_test_notice(member) is True
    [envelope] = smtp_settings.messages
    assert envelope.rcpt_tos == ["ada@example.org"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "Reminder: Kick-off"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # a long header is folded
    assert unsubscribe.startswith(f"<{settings.SITE_URL}/unsubscribe/")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Kick-off starts soon." in text
    assert f"{settings.SITE_URL}/me/emails/" in text
    assert "<strong>Kick-off</strong>" in html
    assert unsubscribe[1:-1] in html


def test_opted_out_kind_is_not_sent(django_capture_on_commit_callbacks):
    member = make_member()
    EmailOptOut.objects.create(user=member, kind=EmailKind.REMINDERS)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_test_notice(member) is False
        assert send_test_notice(member, kind=EmailKind.MENTORING) is True
    assert [m.subject for m in mail.outbox] == ["Reminder: Kick-off"]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_sends_nothing():
    member = make_member()
    with pytest.raises(RuntimeError), transaction.atomic():
        send_test_notice(member)
        raise RuntimeError("the change failed")
    assert mail.outbox == []
    send_test_notice(member)  # autocommit: delivered at once
    assert len(mail.outbox) == 1


def test_one_click_unsubscribe_works_without_login_or_csrf_token():
    member = make_member()
    url = outbox.unsubscribe_url(member, EmailKind.REMINDERS).removeprefix("http://127.0.0.1:8000")
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    assert EmailOptOut.objects.count() == 0  # a GET (a link scanner) changes nothing
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert list(EmailOptOut.objects.values_list("user", "kind")) == [(member.pk, "reminders")]
    client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert EmailOptOut.objects.count() == 1


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxfQ:1t:forged"])
def test_tampered_unsubscribe_token_changes_nothing(client, token):
    make_member()
    response = client.post(f"/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert EmailOptOut.objects.count() == 0


def test_preferences_page_saves_choices(client):
    member = make_member()
    client.force_login(member)
    page = client.get("/me/emails/").content.decode()
    assert '<label for="id_reminders">Reminders before my sessions</label>' in page
    client.post("/me/emails/", {"session_changes": "on", "mentoring": "on"})
    kinds = sorted(member.email_opt_outs.values_list("kind", flat=True))
    assert kinds == ["community", "reminders"]
    client.post(
        "/me/emails/",
        {"session_changes": "on", "mentoring": "on", "reminders": "on", "community": "on"},
    )
    assert member.email_opt_outs.count() == 0


def test_preferences_need_login(client):
    assert client.get("/me/emails/")["Location"] == "/accounts/login/?next=/me/emails/"


NAME = 'O\'Brien & "Sons" <x>'


def test_subject_and_text_stay_plain_and_html_is_escaped(smtp_settings, deliver):
    member = make_member(email="ob@example.org")
    with deliver():
        outbox.send("emails/test_notice", user=member, context={"what": NAME})
    [envelope] = smtp_settings.messages
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == f"Reminder: {NAME}"
    assert message.get_body(("plain",)).get_content().startswith(f"{NAME} starts soon.")
    html = message.get_body(("html",)).get_content()
    assert "<strong>O&#x27;Brien &amp; &quot;Sons&quot; &lt;x&gt;</strong>" in html


def test_allauth_mail_is_plain_in_subject_and_text(smtp_settings, settings, deliver):
    from allauth.account.adapter import get_adapter

    settings.SITE_NAME = NAME
    with deliver():
        get_adapter().send_mail(
            "account/email/email_confirmation", "ob@example.org", {"activate_url": "https://x/"}
        )
    [envelope] = smtp_settings.messages
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == f"[{NAME}] Please Confirm Your Email Address"
    assert f"Hello from {NAME}!" in message.get_body(("plain",)).get_content()
    assert "Hello from O&#x27;Brien &amp; &quot;Sons&quot; &lt;x&gt;!" in (
        message.get_body(("html",)).get_content()
    )
    assert OutgoingEmail.objects.get().kind == "account/email/email_confirmation"
