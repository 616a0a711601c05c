"""Mail is never lost: retries with backoff, permanent refusals, killed workers.

Every test talks to a real SMTP server (aiosmtpd, on a free loopback port) that can be
stopped (connection refused) or told to answer 421, 451 or 550, and moves the clock
with time-machine instead of waiting.
"""

import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.test import override_settings

from accounts.models import EmailKind
from mentoring_hub import mail, periodic
from mentoring_hub.models import OutgoingEmail
from tests.factories import make_member

pytestmark = pytest.mark.django_db

T0 = datetime(2027, 1, 9, 12, 0, tzinfo=UTC)
S = OutgoingEmail.Status


class SMTPServer:
    """A mail server on loopback that is down until started and answers what it is told:
    `rcpt_reply` to RCPT TO, `data_reply` to the end of DATA (None: accept)."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = None
        self.messages = []  # accepted, parsed
        self.data_attempts = 0
        self.rcpt_reply = None
        self.data_reply = None

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_attempts += 1
        if self.data_reply:
            return self.data_reply
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def message_ids(self):
        return [message["Message-ID"] for message in self.messages]


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def queue_notice(deliver, n=1, what="Kick-off"):
    """Queue `n` reminders (one batch) and run the delivery their commit enqueues."""
    messages = [
        mail.build(
            "emails/test_notice",
            user=make_member(),
            kind=EmailKind.REMINDERS,
            context={"what": what},
        )
        for _ in range(n)
    ]
    with deliver():
        mail.queue_batch(messages)
    return list(OutgoingEmail.objects.order_by("pk"))


def sweep(deliver, when):
    """What `run_periodic` does every minute for mail, at `when`."""
    with deliver():
        periodic.retry_mail(when)


def test_message_queued_while_server_is_down_is_delivered_once_when_it_returns(
    smtp, clock, deliver
):
    [row] = queue_notice(deliver)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_reply) == (S.QUEUED, 1, "Connection refused")
    assert row.next_attempt_at == T0 + timedelta(seconds=30)  # the first retry, within a minute

    smtp.start()
    sweep(deliver, T0 + timedelta(seconds=20))  # not due yet
    assert smtp.messages == []
    clock.move_to(T0 + timedelta(seconds=60))
    sweep(deliver, T0 + timedelta(seconds=60))
    clock.move_to(T0 + timedelta(minutes=10))
    sweep(deliver, T0 + timedelta(minutes=10))  # nothing left to send

    assert smtp.message_ids() == [row.message_id]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == (S.SENT, 2, T0 + timedelta(seconds=60))
    assert row.payload == {}  # the content is not kept once sent


@pytest.mark.parametrize(
    ("reply", "where"),
    [("451 4.7.1 Greylisted, try again later", "rcpt"), ("421 4.7.0 Try again later", "data")],
)
def test_temporary_refusal_is_retried_with_backoff(smtp, clock, deliver, reply, where):
    smtp.start()
    setattr(smtp, f"{where}_reply", reply)
    rows = queue_notice(deliver, n=3)
    waits = []
    for _attempt in range(3):
        due = OutgoingEmail.objects.get(pk=rows[0].pk).next_attempt_at
        waits.append((due - datetime.now(UTC)).total_seconds())
        clock.move_to(due)
        sweep(deliver, due)
    assert waits == [30, 60, 120]
    for row in rows:
        row.refresh_from_db()
        assert (row.status, row.attempts, row.last_reply) == (S.QUEUED, 4, reply)
    if where == "data":  # a 421 closes the connection: the rest of the batch waits
        assert smtp.data_attempts == 4

    setattr(smtp, f"{where}_reply", None)
    due = rows[0].next_attempt_at
    clock.move_to(due)
    sweep(deliver, due)
    assert sorted(smtp.message_ids()) == sorted(row.message_id for row in rows)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {S.SENT}


def test_permanent_refusal_is_undeliverable_at_once_and_shown_without_content(
    smtp, clock, deliver, organiser_client
):
    smtp.start()
    smtp.rcpt_reply = "550 5.1.1 No such user here"
    [row] = queue_notice(deliver, what="Zebedee's secret session")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (S.UNDELIVERABLE, 1)
    assert row.last_reply == "550 5.1.1 No such user here"

    smtp.rcpt_reply = None
    for later in (timedelta(minutes=5), timedelta(hours=2)):
        clock.move_to(T0 + later)
        sweep(deliver, T0 + later)
    assert smtp.messages == []  # never retried by itself

    listing = organiser_client.get(
        "/admin/mentoring_hub/outgoingemail/?status__exact=undeliverable"
    )
    detail = organiser_client.get(f"/admin/mentoring_hub/outgoingemail/{row.pk}/change/")
    for page in (listing, detail):
        assert page.status_code == 200
        html = page.content.decode()
        assert row.recipient in html
        assert "emails/test_notice" in html
        assert "550 5.1.1 No such user here" in html
        assert "Zebedee" not in html  # neither subject nor body
        assert "starts soon" not in html
    search = organiser_client.get("/admin/mentoring_hub/outgoingemail/?payload__icontains=zeb")
    assert search.status_code == 400

    # An organiser who fixed the cause queues it again.
    with deliver():
        organiser_client.post(
            "/admin/mentoring_hub/outgoingemail/",
            {"action": "retry", "_selected_action": [row.pk]},
        )
    assert smtp.message_ids() == [row.message_id]
    assert OutgoingEmail.objects.get().status == S.SENT


def test_delivery_gives_up_a_day_after_the_first_attempt(smtp, clock, deliver):
    [row] = queue_notice(deliver)  # the server never comes up
    while row.status == S.QUEUED:
        clock.move_to(row.next_attempt_at)
        sweep(deliver, row.next_attempt_at)
        row.refresh_from_db()
    assert row.status == S.UNDELIVERABLE
    assert row.updated_at - row.first_attempt_at == timedelta(days=1)
    assert row.last_reply == "Connection refused"
    # Waits of 30 s doubling to an hour: 8 attempts in the first 64 minutes, then hourly,
    # the last one exactly a day after the first.
    assert row.attempts == 31


def test_messages_held_by_a_killed_worker_are_sent_once_when_the_lease_ends(smtp, clock, deliver):
    smtp.start()
    messages = [
        mail.build("emails/test_notice", user=make_member(), context={"what": "Kick-off"})
        for _ in range(3)
    ]
    mail.queue_batch(messages)  # committed; the worker that took the task claimed the
    rows = list(OutgoingEmail.objects.order_by("pk"))
    assert mail.claim([row.pk for row in rows[:2]]) == rows[:2]  # first two, and was killed

    sweep(deliver, T0 + timedelta(minutes=1))  # the third is due: sent now
    assert smtp.message_ids() == [rows[2].message_id]
    clock.move_to(T0 + mail.SEND_LEASE - timedelta(seconds=1))
    sweep(deliver, T0 + mail.SEND_LEASE - timedelta(seconds=1))  # still leased
    assert len(smtp.messages) == 1
    clock.move_to(T0 + mail.SEND_LEASE + timedelta(minutes=1))
    sweep(deliver, T0 + mail.SEND_LEASE + timedelta(minutes=1))
    sweep(deliver, T0 + mail.SEND_LEASE + timedelta(minutes=2))
    assert sorted(smtp.message_ids()) == sorted(row.message_id for row in rows)
    assert [row.attempts for row in OutgoingEmail.objects.order_by("pk")] == [2, 2, 1]


def test_a_slow_batch_keeps_its_lease_and_loses_what_was_taken_over(clock):
    rows = [
        mail.outbox_row(mail.build("emails/test_notice", user=make_member(), context={"what": "x"}))
        for _ in range(2)
    ]
    OutgoingEmail.objects.bulk_create(rows)
    claimed = mail.claim([row.pk for row in rows])
    lease = claimed[0].lease_until
    clock.move_to(T0 + timedelta(minutes=3))  # the batch is slow
    OutgoingEmail.objects.filter(pk=rows[1].pk).update(lease_until=T0 + timedelta(hours=1))
    kept, renewed = mail.renew(claimed, lease)
    assert (kept, renewed) == ([rows[0]], T0 + timedelta(minutes=3) + mail.SEND_LEASE)
    assert OutgoingEmail.objects.get(pk=rows[0].pk).lease_until == renewed


def test_message_recorded_sent_is_not_sent_again(smtp, clock, deliver):
    smtp.start()
    [row] = queue_notice(deliver)
    with deliver():
        mail.deliver.enqueue([row.pk])  # the same task again (its worker was requeued)
    clock.move_to(T0 + timedelta(days=1))
    sweep(deliver, T0 + timedelta(days=1))
    assert smtp.message_ids() == [row.message_id]


def test_retry_is_a_deferred_task_where_the_backend_can_defer(smtp, clock, deliver):
    from django_tasks_db.models import DBTaskResult

    database = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=database):
        queue_notice(deliver, n=2)
        [queued] = DBTaskResult.objects.all()
        assert queued.task_path == "mentoring_hub.mail.deliver"
        ids = queued.args_kwargs["args"][0]
        assert mail._deliver(ids) == 0  # what the worker runs; the server is down
        retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
        assert retry.run_after == T0 + timedelta(seconds=30)
        assert retry.args_kwargs["args"] == [ids]
        assert "Kick-off" not in str(retry.args_kwargs)  # tasks carry ids, never content
        # The sweep leaves messages whose retry task is waiting to their task...
        sweep(deliver, T0 + timedelta(minutes=1))
        assert DBTaskResult.objects.count() == 2
        # ...and, while delivery tasks wait for a busy worker, adds none however late...
        sweep(deliver, T0 + timedelta(seconds=30) + mail.LATE)
        assert DBTaskResult.objects.count() == 2
        # ...but enqueues them again once their task is lost (no task waits).
        DBTaskResult.objects.all().delete()
        sweep(deliver, T0 + timedelta(seconds=30) + mail.LATE)
        assert DBTaskResult.objects.get().args_kwargs["args"] == [ids]


def test_task_of_the_previous_release_joins_the_outbox_once(smtp, deliver):
    smtp.start()
    payload = {
        "subject": "Old",
        "body": "Queued before the upgrade",
        "html": "<p>Queued before the upgrade</p>",
        "from_email": "Mentoring Hub <noreply@localhost>",
        "to": ["old@example.org"],
        "headers": {},
        "attachments": [],
    }
    with deliver():
        mail.deliver.enqueue(**payload)
        mail.deliver_many.enqueue([payload, payload])
    assert [m["To"] for m in smtp.messages] == ["old@example.org"] * 3
    assert OutgoingEmail.objects.filter(status=S.SENT, kind="legacy").count() == 3


def test_a_sender_whose_lease_ran_out_does_not_overwrite_the_next_holder(smtp, clock):
    """A task slowed past its lease (a hung server) and the task that took the message
    over both finish: the late one's record must not undo the holder's, or the sweep
    would enqueue a message in flight and it would go out twice."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        mail.queue_batch([mail.build("emails/test_notice", user=make_member(), context={})])
    [row] = OutgoingEmail.objects.all()
    [late] = mail.claim([row.pk])
    clock.move_to(T0 + mail.SEND_LEASE + timedelta(seconds=1))
    [holder] = mail.claim([row.pk])
    assert mail.record_failure(late, "421 try later", False, late.lease_until) is None
    mail.record_sent(late, late.lease_until)
    row.refresh_from_db()
    assert (row.status, row.lease_until) == (S.SENDING, holder.lease_until)
    mail.record_sent(holder, holder.lease_until)
    row.refresh_from_db()
    assert row.status == S.SENT
