"""Places at sessions: register, cancel, the waiting list and its promotions.

Every read that decides a write happens with the session's row locked
(`select_for_update`), so two people racing for the last place cannot both get it, and
a cancellation promotes exactly one person from the waiting list. On SQLite, which
ignores row locks, the IMMEDIATE transaction mode (settings) serialises writers instead.
"""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events import cache as schedule_cache
from events import notices
from events.models import Event, Registration
from mentoring_hub import mail

S = Registration.Status


class RegistrationClosed(Exception):
    """The session does not take registrations now; the message says why."""


def closed_reason(event, now=None):
    """Why registration is closed, or None when it is open."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return _("This session is cancelled.")
    if event.status != Event.Status.PUBLISHED:
        return _("This session is not open for registration.")
    if event.starts_at is not None and now >= event.starts_at:
        return _("Registration closed when the session started.")
    if event.starts_at is None and timezone.localdate(now) > event.starts_on:
        return _("This session has taken place.")
    return None


def seats_taken(event):
    return event.registrations.filter(status=S.CONFIRMED).count()


def register(event, user, now=None):
    """Give `user` a place, or a place in the waiting list when the session is full.

    Registering twice is harmless: the current registration is returned. Someone who
    cancelled and registers again joins the end of the waiting list.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the session row so concurrent registrations count places one at a time.
        event = Event.objects.select_for_update().get(pk=event.pk)
        if reason := closed_reason(event, now):
            raise RegistrationClosed(reason)
        current = event.registrations.filter(user=user).first()
        if current and current.status != S.CANCELLED:
            return current
        full = event.capacity is not None and seats_taken(event) >= event.capacity
        # Someone waiting is ahead of a newcomer even if a place is free right now.
        waiting = event.registrations.filter(status=S.WAITING).exists()
        status = S.WAITING if full or waiting else S.CONFIRMED
        registration, _created = Registration.objects.update_or_create(
            event=event, user=user, defaults={"status": status, "queued_at": now}
        )
        schedule_cache.bump()  # places left are shown on public pages
        notices.remember(event)  # later change notices say what differs from now
        if status == S.CONFIRMED:
            mail.send(
                "emails/registration_confirmed",
                user=user,
                context=email_context(event, registration),
                attachments=[notices.calendar_attachment(event)],
            )
        else:
            mail.send(
                "emails/registration_waiting", user=user, context=email_context(event, registration)
            )
    return registration


def cancel(event, user, now=None):
    """Cancel `user`'s registration; the first person waiting takes a freed place.

    Returns the registration promoted from the waiting list, if any.
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        registration = event.registrations.filter(user=user).exclude(status=S.CANCELLED).first()
        if registration is None:
            return None
        was_confirmed = registration.status == S.CONFIRMED
        registration.status = S.CANCELLED
        registration.save(update_fields=["status"])
        promoted = promote_waiting(event, now) if was_confirmed else None
        schedule_cache.bump()
    return promoted


def promote_waiting(event, now=None):
    """Move the first person waiting into a free place (the event row must be locked)."""
    if closed_reason(event, now):
        return None  # nobody is promoted into a session that started or was cancelled
    if event.capacity is not None and seats_taken(event) >= event.capacity:
        return None
    first = event.registrations.filter(status=S.WAITING).order_by("queued_at", "pk").first()
    if first is None:
        return None
    first.status = S.CONFIRMED
    first.save(update_fields=["status"])
    mail.send(
        "emails/registration_promoted",
        user=first.user,
        context=email_context(event, first),
        attachments=[notices.calendar_attachment(event)],
    )
    return first


def fill_from_waiting_list(event, now=None):
    """After places were added (an organiser raised the capacity), promote people
    waiting, in order, until the session is full. Returns those promoted."""
    promoted = []
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        while registration := promote_waiting(event, now):
            promoted.append(registration)
        if promoted:
            schedule_cache.bump()
    return promoted


def waiting_position(registration):
    """1 for the first person in the waiting list, and so on; None if not waiting."""
    if registration.status != S.WAITING:
        return None
    ahead = Registration.objects.filter(event_id=registration.event_id, status=S.WAITING).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def counts(event):
    """{"confirmed": n, "waiting": m} in one query."""
    return event.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=S.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=S.WAITING)),
    )


def email_attendees(events, subject, message):
    """An organiser's message to everyone with a place at `events` (a QuerySet), one
    email each; returns how many were queued."""
    sent = 0
    for event in events.select_related("host"):
        confirmed = event.registrations.filter(status=S.CONFIRMED).select_related("user")
        for registration in confirmed:
            mail.send(
                "emails/organiser_message",
                user=registration.user,
                context={
                    **email_context(event, registration),
                    "subject": subject,
                    "message": message,
                },
            )
            sent += 1
    return sent


def email_context(event, registration):
    return {
        "event": event,
        "registration": registration,
        "event_url": mail.absolute_url(event.get_absolute_url()),
    }
