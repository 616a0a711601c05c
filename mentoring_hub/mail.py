"""The one way Mentoring Hub sends email.

`send()` renders a template trio (`<name>_subject.txt`, `<name>.txt`, `<name>.html`) in the
site's look, builds absolute links from SITE_URL, adds List-Unsubscribe headers (RFC 2369
and RFC 8058 one-click) to non-essential mail, and queues delivery as a task once the
surrounding transaction commits, so a rolled-back change never sends mail. allauth's
mail joins the same queue through `queue_message()`.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

UNSUBSCRIBE_SALT = "mentoring_hub.mail.unsubscribe"


def absolute_url(path):
    """An absolute link for mail and feeds built outside a request."""
    return settings.SITE_URL + path


def unsubscribe_token(user, kind):
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """(user id, kind) from a token, or signing.BadSignature if it was tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("malformed unsubscribe token")
    return data["u"], str(data.get("k", ""))


def unsubscribe_url(user, kind):
    return absolute_url(reverse("unsubscribe", args=[unsubscribe_token(user, kind)]))


def send(template, *, user=None, to=None, context=None, kind=None, attachments=()):
    """Render and queue one email to `user` (or the address `to`).

    `kind` marks non-essential mail (an `accounts.models.EmailKind`): it is skipped when
    the person turned that kind off, and carries unsubscribe headers. `attachments` are
    (filename, text content, mimetype) triples. Returns whether a message was queued.
    """
    message = build(template, user=user, to=to, context=context, kind=kind, attachments=attachments)
    if message is None:
        return False
    queue_message(message)
    return True


def opted_out(users, kind):
    """Ids of `users` who turned `kind` off, in one query (for build(..., opted_out=))."""
    from accounts.models import EmailOptOut

    ids = [user.pk for user in users]
    return set(EmailOptOut.objects.filter(user__in=ids, kind=kind).values_list("user", flat=True))


def build(template, *, user=None, to=None, context=None, kind=None, attachments=(), skip=None):
    """The message `send` would queue, or None when the person turned `kind` off.
    `skip`, the ids from opted_out(), saves a query per message when sending many."""
    from accounts.models import EmailOptOut

    address = to or user.email
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "user": user,
        **(context or {}),
    }
    headers = {}
    if kind is not None:
        if user is None:
            raise ValueError("non-essential mail needs a user to unsubscribe")
        if skip is not None:
            if user.pk in skip:
                return None
        elif EmailOptOut.objects.filter(user=user, kind=kind).exists():
            return None
        link = unsubscribe_url(user, kind)
        context.update(unsubscribe_url=link, preferences_url=absolute_url(reverse("me:emails")))
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text.strip(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def queue_message(message):
    """Queue a built EmailMessage for delivery after the current transaction commits.

    A message without an HTML part (allauth's plain-text mail) gets one in the site's look.
    """
    payload = as_payload(message)
    transaction.on_commit(lambda: deliver.enqueue(**payload))


BATCH = 50  # messages per delivery task when sending many: one SMTP connection each


def queue_batch(messages):
    """Queue many built messages after the current transaction commits: one delivery
    task per BATCH messages, each sending its messages over one connection."""
    payloads = [as_payload(message) for message in messages]
    chunks = [payloads[i : i + BATCH] for i in range(0, len(payloads), BATCH)]

    def enqueue_all():
        with transaction.atomic():  # one commit for all the task rows
            for chunk in chunks:
                deliver_many.enqueue(chunk)

    if chunks:
        transaction.on_commit(enqueue_all)


def as_payload(message):
    """A built message as the JSON a delivery task takes."""
    html = next(
        (c for c, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), None
    )
    if html is None:
        html = render_to_string(
            "emails/from_text.html",
            {"text": message.body, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL},
        )
    return {
        "subject": message.subject,
        "body": message.body,
        "html": html,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
        "attachments": [
            [name, content if isinstance(content, str) else content.decode(), mimetype]
            for name, content, mimetype in message.attachments
        ],
    }


def rebuilt(subject, body, html, from_email, to, headers, attachments):
    """A message again from its payload."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


@task()
def deliver(subject, body, html, from_email, to, headers, attachments):
    """Send one queued message through the configured email backend."""
    rebuilt(subject, body, html, from_email, to, headers, attachments).send()


@task()
def deliver_many(payloads):
    """Send several queued messages over one connection to the email backend."""
    with get_connection() as connection:
        connection.send_messages([rebuilt(**payload) for payload in payloads])
