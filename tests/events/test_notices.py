"""Change notices, reminders and digests: who hears what, once."""

from datetime import UTC, datetime, time, timedelta
from functools import partial

import pytest
import time_machine
import vobject
from django.core import mail
from django.db import connection
from icalendar import Calendar

from accounts.models import EmailKind, EmailOptOut
from events import booking, notices
from events.models import ChangeNotice, Event, NoticeDelivery, ReminderSent, local_datetime
from mentoring_hub import periodic
from tests.concurrency import run_together
from tests.factories import make_event, make_join_option, make_member, make_profile

pytestmark = pytest.mark.django_db
BEFORE = datetime(2027, 1, 5, 12, 0, tzinfo=UTC)  # a week before the default session
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, real concurrency)"
)


@pytest.fixture
def frozen():
    with time_machine.travel(BEFORE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(frozen, deliver):
    """A session with Ann confirmed (London profile), Bob waiting, and their
    confirmation emails already out of the way."""
    event = make_event(capacity=1, title="Kick-off")
    make_join_option(event, join_url="https://zoom.example/j/1", meeting_id="1234567890")
    ann = make_member(email="ann@example.org")
    make_profile(ann, role="mentee", time_zone="Europe/London")
    bob = make_member(email="bob@example.org")
    with deliver():
        booking.register(event, ann)
        booking.register(event, bob)
    mail.outbox.clear()
    event.refresh_from_db()
    return event


def move(event, hour):
    event.starts_at = local_datetime(event.starts_on, time(hour), event.time_zone)
    event.ends_at = event.starts_at + timedelta(hours=1)
    event.save()


def send_due(frozen, deliver, minutes=6):
    frozen.shift(timedelta(minutes=minutes))
    with deliver():
        return notices.send_due_notices()


def test_a_new_time_reaches_everyone_registered_once_with_both_zones_and_the_ics(
    session, frozen, deliver
):
    move(session, 14)
    with deliver():
        assert notices.send_due_notices() == 0  # gathering edits for a few minutes
    assert mail.outbox == []
    assert send_due(frozen, deliver) == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {"ann@example.org", "bob@example.org"}
    ann = by_person["ann@example.org"]
    assert ann.subject == "Changed: Kick-off"
    assert "Was: Tuesday, Jan. 12, 2027, 11 a.m. – noon EST" in ann.body
    assert "(Tuesday, Jan. 12, 2027, 4 p.m. – 5 p.m. GMT)" in ann.body  # Ann's zone
    assert "Now: Tuesday, Jan. 12, 2027, 2 p.m. – 3 p.m. EST" in ann.body
    assert "(Tuesday, Jan. 12, 2027, 7 p.m. – 8 p.m. GMT)" in ann.body
    assert f"/events/{session.slug}/join" in ann.body
    bob = by_person["bob@example.org"]
    assert "GMT" not in bob.body  # no profile: the session's zone only
    [(name, body, mimetype)] = ann.attachments
    assert name == f"{session.slug}.ics" and mimetype.startswith("text/calendar")
    [event] = Calendar.from_ical(body).walk("VEVENT")
    session.refresh_from_db()
    assert event.decoded("DTSTART") == session.starts_at
    assert int(event["SEQUENCE"]) == session.sequence >= 1
    assert str(event["UID"]) == f"{session.uid}@mentoring-hub"
    parsed = vobject.readOne(body)  # a second, independent parser agrees
    assert parsed.vevent.dtstart.value == session.starts_at
    assert parsed.vevent.uid.value == str(event["UID"])
    # Sending again tells nobody twice.
    with deliver():
        assert notices.send_due_notices() == 0
    assert len(mail.outbox) == 2
    assert NoticeDelivery.objects.count() == 2


def attachment_text(message):
    """The VEVENT's description in the message's .ics, as a calendar app reads it."""
    [(_name, body, _mimetype)] = message.attachments
    [event] = Calendar.from_ical(body).walk("VEVENT")
    return f"{event.get('DESCRIPTION', '')}\n{event.get('LOCATION', '')}"


def test_people_waiting_never_get_the_passcode_in_a_change_notice(session, frozen, deliver):
    option = session.join_options.get()
    option.passcode = "371908"
    option.save()
    move(session, 14)
    send_due(frozen, deliver)
    by_person = {m.to[0]: m for m in mail.outbox}
    ann, bob = by_person["ann@example.org"], by_person["bob@example.org"]
    assert "Passcode: 371908" in attachment_text(ann)  # Ann holds a place
    assert "Webinar ID: 123 456 7890" in attachment_text(ann)
    waiting = attachment_text(bob)  # Bob is on the waiting list: as the page shows him
    assert "Join details are on the session page." in waiting
    for secret in ("371908", "123 456 7890", "1234567890", "zoom.example/j/1"):
        assert secret not in waiting
        assert secret not in bob.body
        assert all(secret not in html for html, _type in bob.alternatives)


def test_typo_fixes_and_new_titles_send_nothing(session, frozen, deliver):
    session.description = "Fixed a typo."
    session.title = "Kick-off (with a better title)"
    session.save()
    assert not ChangeNotice.objects.exists()
    assert send_due(frozen, deliver) == 0
    assert mail.outbox == []


def test_quick_edits_send_one_notice_with_the_net_change(session, frozen, deliver):
    move(session, 14)
    frozen.shift(timedelta(minutes=2))
    move(session, 15)
    assert ChangeNotice.objects.count() == 1
    send_due(frozen, deliver)
    assert len(mail.outbox) == 2
    assert "Now: Tuesday, Jan. 12, 2027, 3 p.m. – 4 p.m. EST" in mail.outbox[0].body
    assert "2 p.m." not in mail.outbox[0].body


def test_edits_that_cancel_out_send_nothing(session, frozen, deliver):
    move(session, 14)
    move(session, 11)
    send_due(frozen, deliver)
    assert mail.outbox == []
    assert ChangeNotice.objects.get().status == ChangeNotice.Status.SKIPPED


def test_new_join_details_and_cancellation_are_told(session, frozen, deliver):
    option = session.join_options.get()
    option.join_url = "https://zoom.example/j/2"
    option.save()
    send_due(frozen, deliver)
    assert "How to join has changed" in mail.outbox[0].body
    assert "zoom.example/j/2" not in mail.outbox[0].body  # the stable join link instead
    mail.outbox.clear()
    session.refresh_from_db()
    session.status = Event.Status.CANCELLED
    session.save()
    send_due(frozen, deliver)
    message = mail.outbox[0]
    assert message.subject == "Cancelled: Kick-off"
    assert "The session is cancelled." in message.body and "/join" not in message.body
    [event] = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_preferences_and_the_daily_digest(session, frozen, deliver):
    ann, bob = (r.user for r in session.registrations.order_by("pk"))
    EmailOptOut.objects.create(user=bob, kind=EmailKind.SESSION_CHANGES)
    ann.digest_daily = True
    ann.save()
    move(session, 14)
    send_due(frozen, deliver)
    assert mail.outbox == []  # Bob opted out; Ann waits for her digest
    assert NoticeDelivery.objects.count() == 2  # both counted as told
    with deliver():
        assert notices.send_digests() == 1
        assert notices.send_digests() == 0
    [digest] = mail.outbox
    assert digest.to == ["ann@example.org"]
    assert digest.subject == "Today's change to your sessions"
    assert "Kick-off" in digest.body and "Now: Tuesday, Jan. 12, 2027, 2 p.m." in digest.body


def test_registration_and_promotion_emails_carry_the_calendar_file(frozen, deliver):
    event = make_event(capacity=1)
    first, second = make_member(), make_member()
    with deliver():
        booking.register(event, first)
        booking.register(event, second)
    confirmed, waiting = mail.outbox
    assert confirmed.attachments and confirmed.attachments[0][0] == f"{event.slug}.ics"
    assert not waiting.attachments
    with deliver():
        booking.cancel(event, first)
    promoted = mail.outbox[-1]
    assert promoted.to == [second.email] and promoted.attachments


def test_reminders_a_day_and_an_hour_before_once_each(session, frozen, deliver):
    session.refresh_from_db()
    frozen.move_to(session.starts_at - timedelta(hours=23))
    with deliver():
        assert notices.send_reminders() == 1  # Ann; Bob is only waiting
        assert notices.send_reminders() == 0
    assert mail.outbox[0].subject == "Tomorrow: Kick-off"
    assert "Your time: Tuesday, Jan. 12, 2027, 4 p.m. – 5 p.m. GMT" in mail.outbox[0].body
    frozen.move_to(session.starts_at - timedelta(minutes=50))
    with deliver():
        assert notices.send_reminders() == 1
        assert notices.send_reminders() == 0
    assert mail.outbox[1].subject == "In an hour: Kick-off"
    assert ReminderSent.objects.count() == 2


def test_no_reminders_for_cancelled_or_undecided_sessions_or_for_those_who_opted_out(
    frozen, deliver
):
    member, quiet = make_member(), make_member()
    EmailOptOut.objects.create(user=quiet, kind=EmailKind.REMINDERS)
    cancelled = make_event()
    tbd = make_event(time_tbd=True)
    normal = make_event()
    for event in (cancelled, tbd, normal):
        booking.register(event, member)
    booking.register(normal, quiet)
    cancelled.refresh_from_db()
    cancelled.status = Event.Status.CANCELLED
    cancelled.save()
    frozen.move_to(normal.starts_at - timedelta(minutes=30))
    mail.outbox.clear()
    with deliver():
        notices.send_reminders()
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert normal.title in mail.outbox[0].subject


def test_someone_registering_late_gets_no_day_before_reminder(frozen, deliver):
    event = make_event()
    frozen.move_to(event.starts_at - timedelta(hours=5))
    booking.register(event, make_member())
    mail.outbox.clear()
    with deliver():
        assert notices.send_reminders() == 0


def test_run_periodic_sends_notices_and_reminders(session, frozen, deliver):
    move(session, 14)
    frozen.shift(timedelta(minutes=6))
    with deliver():
        ran = periodic.run_due()
    assert "send_change_notices" in ran and "send_reminders" in ran
    assert len(mail.outbox) == 2


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_notice_and_reminder_once():
    with time_machine.travel(BEFORE, tick=False) as traveller:
        event = make_event(capacity=20)
        people = [make_member() for _ in range(6)]
        for person in people:
            booking.register(event, person)
        event.refresh_from_db()
        move(event, 14)
        traveller.shift(timedelta(minutes=6))
        mail.outbox.clear()
        results, errors = run_together([notices.send_due_notices, notices.send_due_notices])
        assert errors == []
        assert sorted(results) == [0, 6]
        assert NoticeDelivery.objects.count() == 6
        traveller.move_to(event.starts_at - timedelta(minutes=30))
        results, errors = run_together([notices.send_reminders, notices.send_reminders])
        assert errors == []
        assert sum(results) == 6
        assert ReminderSent.objects.count() == 6
        results, errors = run_together([partial(periodic.run_due), partial(periodic.run_due)])
        assert errors == []
        assert ReminderSent.objects.count() == 6


def test_the_digest_is_chosen_on_the_email_preferences_page(client):
    member = make_member()
    client.force_login(member)
    page = client.get("/me/emails/").content.decode()
    assert "Gather changes to my sessions in one email a day" in page
    client.post("/me/emails/", {"session_changes": "on", "digest_daily": "on"})
    member.refresh_from_db()
    assert member.digest_daily
    client.post("/me/emails/", {"session_changes": "on"})
    member.refresh_from_db()
    assert not member.digest_daily
