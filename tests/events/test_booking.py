from datetime import UTC, datetime, timedelta
from functools import partial
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.db import connection

from events import booking
from events.models import Event, Registration
from tests.concurrency import run_together
from tests.factories import PASSWORD, make_event, make_join_option, make_member

S = Registration.Status
BEFORE = datetime(2027, 1, 1, tzinfo=UTC)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, real concurrency)"
)


@pytest.fixture
def frozen():
    with time_machine.travel(BEFORE, tick=False):
        yield


@pytest.mark.django_db
def test_register_gives_a_place_and_emails_once(frozen, deliver):
    event, member = make_event(title="Kick-off", capacity=10), make_member()
    with deliver():
        first = booking.register(event, member)
        again = booking.register(event, member)
    assert first.pk == again.pk and again.status == S.CONFIRMED
    assert [m.subject for m in mail.outbox] == ["You're registered: Kick-off"]
    assert "Kick-off" in mail.outbox[0].body and "/events/" in mail.outbox[0].body


@pytest.mark.django_db
def test_full_session_puts_people_on_the_waiting_list_in_order(frozen, deliver):
    event = make_event(capacity=1)
    first, second, third = make_member(), make_member(), make_member()
    with deliver():
        booking.register(event, first)
        waiting_a = booking.register(event, second)
        waiting_b = booking.register(event, third)
    assert (waiting_a.status, waiting_b.status) == (S.WAITING, S.WAITING)
    assert [booking.waiting_position(r) for r in (waiting_a, waiting_b)] == [1, 2]
    assert mail.outbox[-1].subject.startswith("You're on the waiting list")


@pytest.mark.django_db
def test_cancelling_promotes_the_first_person_waiting_and_tells_them(frozen, deliver):
    event = make_event(title="Panel", capacity=1)
    holder, next_in_line, later = make_member(), make_member(), make_member()
    booking.register(event, holder)
    booking.register(event, next_in_line)
    booking.register(event, later)
    mail.outbox.clear()
    with deliver():
        promoted = booking.cancel(event, holder)
    assert promoted.user == next_in_line
    statuses = dict(event.registrations.values_list("user", "status"))
    assert statuses == {holder.pk: S.CANCELLED, next_in_line.pk: S.CONFIRMED, later.pk: S.WAITING}
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([next_in_line.email], "A place opened up: you're registered for Panel")
    ]


@pytest.mark.django_db
def test_leaving_the_waiting_list_promotes_nobody(frozen):
    event = make_event(capacity=1)
    holder, waiting = make_member(), make_member()
    booking.register(event, holder)
    booking.register(event, waiting)
    assert booking.cancel(event, waiting) is None
    assert event.registrations.get(user=holder).status == S.CONFIRMED


@pytest.mark.django_db
def test_rejoining_after_cancelling_goes_to_the_end_of_the_line(frozen):
    event = make_event(capacity=1)
    holder, a, b = make_member(), make_member(), make_member()
    booking.register(event, holder)
    booking.register(event, a)
    booking.register(event, b)
    booking.cancel(event, a)
    with time_machine.travel(BEFORE + timedelta(minutes=5), tick=False):
        again = booking.register(event, a)
    assert again.status == S.WAITING
    assert booking.waiting_position(again) == 2
    assert booking.waiting_position(event.registrations.get(user=b)) == 1


@pytest.mark.django_db
def test_registration_closes_when_the_session_starts(deliver):
    event = make_event()
    with (
        time_machine.travel(event.starts_at, tick=False),
        pytest.raises(booking.RegistrationClosed) as caught,
    ):
        booking.register(event, make_member())
    assert str(caught.value) == "Registration closed when the session started."
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_cancelled_session_takes_no_registrations(frozen):
    event = make_event(status=Event.Status.CANCELLED)
    with pytest.raises(booking.RegistrationClosed, match="cancelled"):
        booking.register(event, make_member())


@pytest.mark.django_db
def test_no_promotion_into_a_session_that_started(frozen):
    event = make_event(capacity=1)
    holder, waiting = make_member(), make_member()
    booking.register(event, holder)
    booking.register(event, waiting)
    with time_machine.travel(event.starts_at + timedelta(minutes=1), tick=False):
        assert booking.cancel(event, holder) is None
    assert event.registrations.get(user=waiting).status == S.WAITING


@pytest.mark.django_db
def test_anonymous_register_goes_to_login_and_back(client, frozen):
    event = make_event(capacity=5)
    page = client.get(event.get_absolute_url()).content.decode()
    assert f'href="/accounts/login/?next=/events/{event.slug}/"' in page
    response = client.post(f"/events/{event.slug}/register", {"action": "register"})
    assert response["Location"] == f"/accounts/login/?next=/events/{event.slug}/"
    member = make_member()
    back = client.post(response["Location"], {"login": member.email, "password": PASSWORD})
    assert back["Location"] == f"/events/{event.slug}/"
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_session_page_journey_register_wait_and_cancel(client, frozen, deliver):
    event = make_event(capacity=1, join_audience=Event.Audience.ATTENDEES)
    make_join_option(event, join_url="https://zoom.example.org/j/42", passcode="attendee-pass")
    first, second = make_member(), make_member()
    client.force_login(first)
    with deliver():
        response = client.post(
            f"/events/{event.slug}/register", {"action": "register"}, follow=True
        )
    page = unescape(response.content.decode())
    assert "You're registered. We've emailed you the details." in page
    assert "0 of 1 left" in page
    assert "attendee-pass" in page  # attendees see the join details
    client.force_login(second)
    page = client.post(f"/events/{event.slug}/register", {"action": "register"}, follow=True)
    html = page.content.decode()
    assert "You're on the waiting list: number 1 in line." in html
    assert "attendee-pass" not in html
    client.force_login(first)
    with deliver():
        client.post(f"/events/{event.slug}/register", {"action": "cancel"})
    assert event.registrations.get(user=second).status == S.CONFIRMED


@pytest.mark.django_db
def test_closed_registration_is_a_message_not_an_error(client):
    event = make_event()
    with time_machine.travel(event.starts_at + timedelta(hours=2), tick=False):
        client.force_login(make_member())
        response = client.post(
            f"/events/{event.slug}/register", {"action": "register"}, follow=True
        )
    assert response.status_code == 200
    assert "Registration closed when the session started." in response.content.decode()


@pytest.mark.django_db
def test_register_for_a_draft_is_not_found(client, frozen):
    event = make_event(status=Event.Status.DRAFT)
    client.force_login(make_member())
    assert client.post(f"/events/{event.slug}/register", {"action": "register"}).status_code == 404
    assert client.get(f"/events/{event.slug}/register").status_code == 405


def race(event, users):
    def register(user):
        return booking.register(event, user).status

    return run_together([partial(register, user) for user in users])


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_racing_for_the_last_places_gives_exactly_the_capacity(frozen):
    event = make_event(capacity=3)
    users = [make_member() for _ in range(12)]
    results, errors = race(event, users)
    assert errors == []
    assert sorted(results).count(S.CONFIRMED) == 3
    assert event.registrations.filter(status=S.CONFIRMED).count() == 3
    assert event.registrations.filter(status=S.WAITING).count() == 9


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_one_person_each(frozen):
    event = make_event(capacity=2)
    holders = [make_member(), make_member()]
    waiting = [make_member() for _ in range(4)]
    for user in holders + waiting:
        booking.register(event, user)
    _results, errors = run_together([partial(booking.cancel, event, user) for user in holders])
    assert errors == []
    confirmed = set(event.registrations.filter(status=S.CONFIRMED).values_list("user", flat=True))
    assert confirmed == {waiting[0].pk, waiting[1].pk}


@pytest.mark.django_db
def test_dashboard_lists_my_sessions_with_their_state(client, frozen):
    full = make_event(title="Full panel", capacity=1)
    open_one = make_event(title="Open workshop")
    me = make_member()
    booking.register(full, make_member())
    booking.register(full, me)
    booking.register(open_one, me)
    client.force_login(me)
    page = client.get("/me/").content.decode()
    assert "Full panel</a>" in page and "On the waiting list" in page
    assert "Open workshop</a>" in page and "Registered" in page
