"""The one way Mentoring Hub sends email, and why none is lost.

`send()` renders a template trio (`<name>_subject.txt` and `<name>.txt` as plain text,
`<name>.html` escaped) in the site's look, builds absolute links from SITE_URL, adds
List-Unsubscribe headers (RFC 2369 and RFC 8058 one-click) to non-essential mail, and puts
the message in the outbox (`OutgoingEmail`) in the surrounding transaction: a rolled-back
change sends nothing. Once it commits, a `deliver` task is enqueued. allauth's mail joins
the same outbox through `queue_message()`.

Delivery:
- `deliver` claims each message with a conditional UPDATE and a lease (SEND_LEASE), sends
  it over the task's one SMTP connection, and records it sent the moment the server accepts
  it: a killed worker repeats at most the one message in flight, and the messages it held
  are claimed again once their lease is over.
- A temporary failure (server unreachable, timeout, 4xx) is retried with backoff, 30 s
  doubling up to an hour, until MAIL_RETRY_FOR (a day) after the first attempt; a permanent
  refusal (5xx for the message) is not retried. Either way the message then stays
  `undeliverable`, which organisers see in the admin (envelope and reply, never the body).
- Retries are deferred tasks where the task backend can defer; the `retry_mail` periodic
  job (every minute) enqueues whatever no task will pick up: retries on a backend that
  cannot defer, messages whose task was lost, abandoned leases.
- Each message keeps its Message-ID across attempts, so a drill can count losses and repeats.
"""

import logging
import smtplib
from collections import defaultdict
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.template.context import make_context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from mentoring_hub.models import OutgoingEmail

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "mentoring_hub.mail.unsubscribe"

# Who turned a kind of mail off: callables (user ids, kind) -> the set of those ids.
# The app that keeps email preferences (accounts) registers its own in
# AppConfig.ready(), so this shared service imports no app.
OPT_OUTS = []


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

    `kind` marks non-essential mail (a kind people can turn off, see OPT_OUTS): it is
    skipped when the person turned that kind off, and carries unsubscribe headers.
    `attachments` are (filename, text content, mimetype) triples. Returns whether a
    message was queued.
    """
    message = build(template, user=user, to=to, context=context, kind=kind, attachments=attachments)
    if message is None:
        return False
    queue_message(message)
    return True


def opted_out(users, kind):
    """Ids of `users` who turned `kind` off, in one query (for build(..., skip=))."""
    ids = [user.pk for user in users]
    return set().union(*(opted_out_ids(ids, kind) for opted_out_ids in OPT_OUTS))


def build(template, *, user=None, to=None, context=None, kind=None, attachments=(), skip=None):
    """The message `send` would queue, or None when the person turned `kind` off.
    `skip`, the ids from opted_out(), saves a query per message when sending many."""
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
        elif user.pk in opted_out([user], kind):
            return None
        link = unsubscribe_url(user, kind)
        context.update(unsubscribe_url=link, preferences_url=absolute_url(reverse("me:emails")))
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_text(f"{template}_subject.txt", context)
        text = render_text(f"{template}.txt", context)
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
    message.outbox_kind = template
    return message


def render_text(name, context, request=None):
    """A Django template rendered as plain text, for a subject or a text part: nothing is
    HTML-escaped, so "O'Brien & Sons" stays as written (the HTML part stays escaped)."""
    template = get_template(name, using="django").template
    return template.render(make_context(context, request, autoescape=False))


BATCH = 50  # messages per delivery task: one SMTP connection each
SEND_LEASE = timedelta(minutes=5)  # one SMTP transaction; each step times out in EMAIL_TIMEOUT
FIRST_RETRY = timedelta(seconds=30)  # then doubled after each failure...
LONGEST_WAIT = timedelta(hours=1)  # ...up to this
# A queued message due this long ago has lost its task (the process died between commit
# and enqueue): `retry_mail` enqueues it again. Not sooner: its task may be waiting behind
# a big batch.
LATE = timedelta(minutes=5)
SWEEP_LIMIT = 100 * BATCH  # messages `retry_mail` enqueues per run; the rest next minute


def queue_message(message, kind=None):
    """Put a built EmailMessage in the outbox within the current transaction and enqueue
    its delivery once that commits. `kind` names it for organisers (default: the template
    `build` used). A message without an HTML part (allauth's plain-text mail) gets one in
    the site's look."""
    queue_batch([message], kind=kind)


def queue_batch(messages, kind=None):
    """Put many built messages in the outbox within the current transaction; once it
    commits, one delivery task per BATCH messages sends them over one connection each."""
    rows = OutgoingEmail.objects.bulk_create(
        [outbox_row(message, kind) for message in messages], batch_size=500
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


def outbox_row(message, kind=None):
    if len(message.to) != 1 or message.cc or message.bcc:
        raise ValueError("one recipient per message: the outbox tracks each delivery")
    return OutgoingEmail(
        recipient=message.to[0],
        kind=(kind or getattr(message, "outbox_kind", "") or "")[:100],
        message_id=make_msgid(domain=urlsplit(settings.SITE_URL).hostname),
        payload=as_payload(message),
    )


def as_payload(message):
    """What the outbox keeps of a built message until it is sent."""
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
        "headers": dict(message.extra_headers),
        "attachments": [
            [name, content if isinstance(content, str) else content.decode(), mimetype]
            for name, content, mimetype in message.attachments
        ],
    }


def rebuilt(row):
    """The message again from its outbox row, with the row's Message-ID every time."""
    headers = {**row.payload["headers"], "Message-ID": row.message_id}
    return composed(row.payload, [row.recipient], headers)


def composed(payload, to, headers):
    message = EmailMultiAlternatives(
        payload["subject"], payload["body"], payload["from_email"], to, headers=headers
    )
    message.attach_alternative(payload["html"], "text/html")
    for name, content, mimetype in payload["attachments"]:
        message.attach(name, content, mimetype)
    return message


def enqueue(ids, run_after=None):
    """One delivery task per BATCH ids; with `run_after`, only where the task backend can
    defer (elsewhere the `retry_mail` job enqueues them when they are due)."""
    runner = deliver
    if run_after is not None:
        if not deliver.get_backend().supports_defer:
            return
        runner = deliver.using(run_after=run_after)
    for start in range(0, len(ids), BATCH):
        runner.enqueue(ids[start : start + BATCH])


@task(takes_context=True)
def deliver(context, ids=None, **legacy):
    """Send the outbox messages `ids` that are due, over one connection; see the module
    docstring. Safe to run twice, or beside another task with the same ids: each message
    is claimed by one task at a time. Returns how many were sent.

    `legacy`: a whole message, as the release before the outbox queued it; it joins the
    outbox first. Remove with `deliver_many` once no such task is left."""
    if legacy:
        ids = adopt(context, [legacy])
    return _deliver(ids)


@task(takes_context=True)
def deliver_many(context, payloads):
    """Whole messages queued by the release before the outbox (see `deliver`)."""
    return _deliver(adopt(context, payloads))


def adopt(context, payloads):
    """Outbox rows for whole messages a task of the previous release carries. Their
    Message-IDs come from the task's id, so running the task again adds nothing."""
    domain = urlsplit(settings.SITE_URL).hostname
    keys = [f"<legacy.{context.task_result.id}.{n}@{domain}>" for n in range(len(payloads))]
    rows = []
    for key, payload in zip(keys, payloads, strict=True):
        row = outbox_row(composed(payload, payload["to"], payload["headers"]), kind="legacy")
        row.message_id = key
        rows.append(row)
    OutgoingEmail.objects.bulk_create(rows, ignore_conflicts=True)
    return list(OutgoingEmail.objects.filter(message_id__in=keys).values_list("pk", flat=True))


def _deliver(ids):
    rows = claim(ids)
    lease = rows[0].lease_until if rows else None
    connection = get_connection()
    down = None  # why the server cannot be used: the rest of the batch waits with it
    retries = defaultdict(list)  # next attempt -> ids this task failed
    sent = 0
    try:
        while rows:
            if timezone.now() > lease - SEND_LEASE / 2:  # a slow server: keep what is ours
                rows, lease = renew(rows, lease)
                if not rows:
                    break
            row = rows.pop(0)
            if down is None:
                try:
                    # Opened once; send_messages on an open connection leaves it open.
                    connection.open()
                    if not connection.send_messages([rebuilt(row)]):
                        raise smtplib.SMTPException("the email backend did not send it")
                except Exception as exc:  # recorded on the row, never raised
                    reply, permanent, down_now = outcome(exc)
                    if down_now:
                        down = reply
                else:
                    record_sent(row, lease)
                    sent += 1
                    continue
            else:
                reply, permanent = down, False
            if next_at := record_failure(row, reply, permanent, lease):
                retries[next_at].append(row.pk)
    finally:
        try:
            connection.close()
        except Exception:  # a server that went away mid-QUIT changes nothing here
            log.debug("closing the SMTP connection failed", exc_info=True)
    for next_at, failed in retries.items():
        enqueue(failed, run_after=next_at)
    return sent


def claim(ids):
    """Take those of `ids` that are due, or whose last sender stopped (lease over), for
    one attempt each; returns them, leased to this task. Rows another task holds are
    skipped, not waited for."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutgoingEmail.objects.claimable(now)
            .filter(pk__in=ids)
            .select_for_update(skip_locked=True)
            .order_by("pk")
        )
        OutgoingEmail.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=OutgoingEmail.Status.SENDING,
            lease_until=now + SEND_LEASE,
            attempts=F("attempts") + 1,
            first_attempt_at=Coalesce("first_attempt_at", Value(now)),
            updated_at=now,
        )
    for row in rows:
        row.status, row.lease_until = OutgoingEmail.Status.SENDING, now + SEND_LEASE
        row.attempts += 1
        row.first_attempt_at = row.first_attempt_at or now
    return rows


def renew(rows, lease):
    """Extend this task's lease on `rows`; returns those still its own, and the new lease.
    The lease's instant identifies the holder: a row claimed anew since has another."""
    renewed = timezone.now() + SEND_LEASE
    ids = [row.pk for row in rows]
    sending = OutgoingEmail.objects.filter(pk__in=ids, status=OutgoingEmail.Status.SENDING)
    sending.filter(lease_until=lease).update(lease_until=renewed, updated_at=timezone.now())
    kept = set(sending.filter(lease_until=renewed).values_list("pk", flat=True))
    return [row for row in rows if row.pk in kept], renewed


def held(row, lease):
    """`row` while this task still holds it: sending, under the lease it took or renewed
    (a task whose lease ran out must not overwrite what the next holder records)."""
    return OutgoingEmail.objects.filter(
        pk=row.pk, status=OutgoingEmail.Status.SENDING, lease_until=lease
    )


def record_sent(row, lease):
    """The server accepted it: recorded at once, and the content dropped."""
    now = timezone.now()
    held(row, lease).update(
        status=OutgoingEmail.Status.SENT,
        sent_at=now,
        lease_until=None,
        payload={},
        updated_at=now,
    )


def record_failure(row, reply, permanent, lease):
    """Queue `row` again after its backoff, or give up on it; returns the time of the
    next attempt, or None when it is undeliverable."""
    now = timezone.now()
    give_up_at = row.first_attempt_at + timedelta(seconds=settings.MAIL_RETRY_FOR)
    fields = {"lease_until": None, "last_reply": reply[:500], "updated_at": now}
    if permanent or now >= give_up_at:
        log.warning("mail %s (%s) undeliverable: %s", row.pk, row.kind, reply)
        fields["status"] = OutgoingEmail.Status.UNDELIVERABLE
        next_at = None
    else:
        next_at = min(now + backoff(row.attempts), give_up_at)
        log.info("mail %s (%s) not sent (%s); again at %s", row.pk, row.kind, reply, next_at)
        fields.update(status=OutgoingEmail.Status.QUEUED, next_attempt_at=next_at)
    if not held(row, lease).update(**fields):
        return None  # another task holds it now, and retries it itself
    return next_at


def backoff(attempts):
    """The wait after the `attempts`-th failed attempt: 30 s, 1, 2, 4 ... minutes, at most
    an hour."""
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 20), LONGEST_WAIT)


# A refusal about this message (its sender, recipient or content) with a 5xx code is
# permanent. Anything about the connection (refused, timed out, dropped, 421, a failed
# HELO or login) is the server's or our configuration's, is temporary, and stops the batch.
ABOUT_MESSAGE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def outcome(exc):
    """(reply, permanent, server unusable) for a failed send."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, text = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
    else:
        reply = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return reply, False, isinstance(exc, OSError)
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    about_message = isinstance(exc, ABOUT_MESSAGE)
    permanent = about_message and 500 <= code <= 599
    return f"{code} {text}", permanent, code == 421 or not about_message


def forget(user):
    """Before an account is deleted: the outbox keeps nothing addressed to it (queued
    messages hold names and text, sent ones the address), so it sends nothing more."""
    addresses = {user.email, *user.emailaddress_set.values_list("email", flat=True)}
    OutgoingEmail.objects.filter(recipient__in=addresses - {""}).delete()


def retry_due(now):
    """Enqueue delivery of what no task will pick up: messages due for a while (or due at
    all where the backend cannot defer retries), and messages whose sender stopped (lease
    over). A message abandoned after its last chance is marked undeliverable. Returns how
    many were enqueued."""
    give_up = now - timedelta(seconds=settings.MAIL_RETRY_FOR)
    OutgoingEmail.objects.abandoned(now).filter(first_attempt_at__lte=give_up).update(
        status=OutgoingEmail.Status.UNDELIVERABLE,
        lease_until=None,
        last_reply="The worker stopped while sending it, after the last retry.",
        updated_at=now,
    )
    stuck = OutgoingEmail.objects.abandoned(now)
    if not deliver.get_backend().supports_defer:
        stuck |= OutgoingEmail.objects.due(now)
    elif not delivery_backlog():
        # Due a while ago with no delivery task waiting: their task was lost. While
        # tasks wait, the workers are only busy, and enqueueing more would pile up.
        stuck |= OutgoingEmail.objects.due(now - LATE)
    ids = list(stuck.order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT])
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def delivery_backlog():
    """Whether delivery tasks are waiting for a worker (the database task backend)."""
    return DBTaskResult.objects.ready().filter(task_path=deliver.module_path).exists()


def retry_now(queryset):
    """Queue undeliverable messages again for a fresh day of attempts (an organiser fixed
    what refused them). Returns how many."""
    now = timezone.now()
    ids = list(
        queryset.filter(status=OutgoingEmail.Status.UNDELIVERABLE).values_list("pk", flat=True)
    )
    OutgoingEmail.objects.filter(pk__in=ids).update(
        status=OutgoingEmail.Status.QUEUED,
        next_attempt_at=now,
        attempts=0,
        first_attempt_at=None,
        updated_at=now,
    )
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return len(ids)
