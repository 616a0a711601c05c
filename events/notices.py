"""Telling registered people about changes to their sessions, and reminding them.

- A change to a session's times, status or join details (not its title or text)
  opens the session's one pending `ChangeNotice`, due COALESCE later; more edits in
  the meantime join it. When due, `send_due_notices` compares what people were last
  told (`AnnouncedState`, first taken when someone registers) with the session now,
  and sends each confirmed or waiting person one email with the net change, old and
  new, in the session's zone and their own, the updated .ics (same UID, higher
  SEQUENCE) and the stable join link; or nothing if the edits cancelled out.
- Reminders go 24 hours and 1 hour before a timed, published session.
- People who chose the daily digest get one email a day listing the changes instead.

Exactly once: each person's notice is a `NoticeDelivery` row and each reminder a
`ReminderSent` row, unique in the database, written in the transaction that queues the
mail (mentoring_hub.mail queues delivery after the commit). A retry, a second worker or
two `run_periodic` at once cannot send a second copy.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import EmailKind
from events import ics
from events.models import (
    AnnouncedState,
    ChangeNotice,
    Event,
    NoticeDelivery,
    Registration,
    ReminderSent,
)
from events.templatetags.events_tags import format_time_range, long_date
from mentoring_hub import mail

COALESCE = timedelta(minutes=5)
TIME_KEYS = ("starts_on", "starts_at", "ends_at", "time_tbd", "time_zone")
TOLD = (Registration.Status.CONFIRMED, Registration.Status.WAITING)


def times(event):
    """A session's date and times, as JSON."""
    return {
        "starts_on": event.starts_on.isoformat(),
        "starts_at": event.starts_at.isoformat() if event.starts_at else None,
        "ends_at": event.ends_at.isoformat() if event.ends_at else None,
        "time_tbd": event.time_tbd,
        "time_zone": event.time_zone,
    }


def snapshot(event):
    """What people are told about a session, as JSON."""
    return {
        "status": event.status,
        **times(event),
        "join": [
            [o.platform, o.join_url, o.meeting_id, o.passcode, o.place]
            for o in event.join_options.all()
        ],
    }


def changes(before, after):
    """Which of "time", "status", "join" differ."""
    found = []
    if any(before.get(key) != after.get(key) for key in TIME_KEYS):
        found.append("time")
    if before.get("status") != after.get("status"):
        found.append("status")
    if before.get("join") != after.get("join"):
        found.append("join")
    return found


def remember(event):
    """Take what people are told now as the baseline, unless there is one already
    (called when someone registers: the confirmation tells them the current state)."""
    AnnouncedState.objects.get_or_create(event=event, defaults={"state": snapshot(event)})


def record(event, previous=None, now=None):
    """A session changed in a way people must hear about: open (or keep) its pending
    notice. `previous` holds the loaded values of the time fields, for a session
    whose registrations predate any baseline."""
    if not event.registrations.filter(status__in=TOLD).exists():
        return None
    now = now or timezone.now()
    baseline = AnnouncedState.objects.filter(event=event).first()
    if baseline is not None:
        before = baseline.state
    else:
        before = {**snapshot(event), **(previous or {})}
    notice = ChangeNotice.objects.filter(event=event, status=ChangeNotice.Status.PENDING).first()
    if notice is None:
        try:
            with transaction.atomic():
                notice = ChangeNotice.objects.create(
                    event=event, before=before, due_at=now + COALESCE, created_at=now
                )
        except IntegrityError:  # another edit opened it at the same moment
            notice = ChangeNotice.objects.get(event=event, status=ChangeNotice.Status.PENDING)
    return notice


def on_session_changed(sender, event, loaded, **kwargs):
    """Receiver of events.models.session_changed: record the change notice."""
    record(event, None if loaded is None else previous_values(loaded))


def previous_values(loaded):
    """The time fields as they were loaded (Event._loaded), in snapshot form."""
    values = {}
    for key in TIME_KEYS:
        value = loaded.get(key)
        values[key] = value.isoformat() if hasattr(value, "isoformat") else value
    if "status" in loaded:
        values["status"] = loaded["status"]
    return values


def when(state, zone_name):
    """A state's date and time in `zone_name`: "Monday, January 9, 2023, 11:00 a.m. –
    noon EST", or the date with "time to be decided"."""
    starts = datetime.fromisoformat(state["starts_at"]) if state.get("starts_at") else None
    ends = datetime.fromisoformat(state["ends_at"]) if state.get("ends_at") else None
    if state.get("time_tbd") or starts is None:
        day = datetime.fromisoformat(state["starts_on"]).date()
        return f"{long_date(day)} ({_('time to be decided')})"
    local = starts.astimezone(zoneinfo.ZoneInfo(zone_name))
    range_ = format_time_range(starts, ends, zone_name, False)
    return f"{long_date(local.date())}, {range_}"


def describe(before, after, found, reader_zone):
    """Lines saying what changed, old and new, in the session's zone and the reader's."""
    lines = []
    if "status" in found:
        if after["status"] == Event.Status.CANCELLED:
            lines.append(_("The session is cancelled."))
        elif before["status"] == Event.Status.CANCELLED:
            lines.append(_("The session is back on."))
    if "time" in found:
        zones = [after["time_zone"]]
        if reader_zone and reader_zone != after["time_zone"] and not after["time_tbd"]:
            zones.append(reader_zone)
        old = when(before, before["time_zone"])
        if reader_zone and reader_zone != before["time_zone"] and not before.get("time_tbd"):
            old += f" ({when(before, reader_zone)})"
        new = when(after, zones[0])
        if len(zones) > 1:
            new += f" ({when(after, zones[1])})"
        lines.append(_("Was: %(old)s") % {"old": old})
        lines.append(_("Now: %(new)s") % {"new": new})
    if "join" in found:
        lines.append(_("How to join has changed: use the join link below."))
    return lines


def reader_zone(user):
    profile = getattr(user, "profile", None)
    return profile.time_zone if profile else None


def calendar_attachment(event, show_join=True):
    """The session as an .ics attachment (same UID, current SEQUENCE). With `show_join`
    (for someone who may see them: a confirmed attendee, say) it carries the join
    details and the stable join link; without, only what the public page shows."""
    join_url = settings.SITE_URL + reverse("events:join", args=[event.slug])
    body = ics.session_calendar(
        event,
        site_url=settings.SITE_URL,
        show_join=show_join,
        join_url=join_url if show_join else None,
    )
    return (f"{event.slug}.ics", body.decode(), "text/calendar; method=PUBLISH")


def send_due_notices(now=None):
    """Send every notice whose time has come. Returns how many people were told."""
    now = now or timezone.now()
    told = 0
    due = ChangeNotice.objects.filter(status=ChangeNotice.Status.PENDING, due_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        told += send_notice(pk, now)
    return told


def send_notice(pk, now):
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        notice = (
            ChangeNotice.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=ChangeNotice.Status.PENDING)
            .first()
        )
        if notice is None:
            return 0  # sent by another worker, or being sent now
        event = (
            Event.objects.select_related("campaign", "host")
            .prefetch_related("join_options")
            .get(pk=notice.event_id)
        )
        after = snapshot(event)
        found = changes(notice.before, after)
        notice.after, notice.sent_at = after, now
        AnnouncedState.objects.update_or_create(event=event, defaults={"state": after})
        if not found:
            notice.status = ChangeNotice.Status.SKIPPED
            notice.save(update_fields=["status", "after", "sent_at"])
            return 0
        people = (
            Registration.objects.filter(event=event, status__in=TOLD)
            .select_related("user__profile")
            .order_by("pk")
        )
        # People waiting see no join details on the page (unless the session shows them
        # to every member): their calendar file must not carry them either.
        attachments = {}
        context = {
            "event": event,
            "event_url": mail.absolute_url(event.get_absolute_url()),
            "join_url": mail.absolute_url(reverse("events:join", args=[event.slug])),
            "cancelled": after["status"] == Event.Status.CANCELLED,
        }
        people = list(people)
        skip = mail.opted_out([r.user for r in people], EmailKind.SESSION_CHANGES)
        deliveries, messages, described = [], [], {}
        for registration in people:
            user = registration.user
            zone = reader_zone(user)
            if zone not in described:  # the lines differ only by the reader's zone
                described[zone] = describe(notice.before, after, found, zone)
            lines = described[zone]
            if user.digest_daily:
                summary = "\n".join([event.title, *lines])
                deliveries.append(
                    NoticeDelivery(notice=notice, user=user, digest=True, summary=summary)
                )
                continue
            deliveries.append(NoticeDelivery(notice=notice, user=user))
            confirmed = registration.status == Registration.Status.CONFIRMED
            show_join = event.join_details_visible_to(user, registered=confirmed)
            if show_join not in attachments:
                attachments[show_join] = calendar_attachment(event, show_join)
            message = mail.build(
                "emails/session_changed",
                user=user,
                kind=EmailKind.SESSION_CHANGES,
                context={**context, "lines": lines},
                attachments=[attachments[show_join]],
                skip=skip,
            )
            if message is not None:
                messages.append(message)
        NoticeDelivery.objects.bulk_create(deliveries, batch_size=1000)
        mail.queue_batch(messages)
        count = len(deliveries)
        notice.status, notice.recipients = ChangeNotice.Status.SENT, count
        notice.save(update_fields=["status", "after", "sent_at", "recipients"])
    return count


def send_digests(now=None):
    """One email per person with the changes waiting for their daily digest."""
    now = now or timezone.now()
    sent = 0
    waiting = NoticeDelivery.objects.filter(digest=True, digested_at__isnull=True)
    for user_id in waiting.values_list("user_id", flat=True).distinct():
        with transaction.atomic():
            rows = list(
                NoticeDelivery.objects.select_for_update(skip_locked=True)
                .filter(user_id=user_id, digest=True, digested_at__isnull=True)
                .select_related("user")
                .order_by("created_at", "pk")
            )
            if not rows:
                continue
            mail.send(
                "emails/session_digest",
                user=rows[0].user,
                kind=EmailKind.SESSION_CHANGES,
                context={"summaries": [row.summary for row in rows]},
            )
            NoticeDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(digested_at=now)
            sent += 1
    return sent


def send_reminders(now=None):
    """Reminders a day and an hour before timed, published sessions, to confirmed
    people, once each. Someone who registered after the day-before mark had their
    confirmation instead of that reminder."""
    now = now or timezone.now()
    sent = 0
    windows = [
        (ReminderSent.Kind.DAY, timedelta(hours=24), timedelta(hours=1)),
        (ReminderSent.Kind.HOUR, timedelta(hours=1), timedelta(0)),
    ]
    for kind, lead, until in windows:
        events = Event.objects.filter(
            status=Event.Status.PUBLISHED,
            time_tbd=False,
            starts_at__gt=now + until,
            starts_at__lte=now + lead,
        ).select_related("host")
        for event in events:
            people = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
            if kind == ReminderSent.Kind.DAY:
                people = people.filter(created_at__lt=event.starts_at - lead)
            done = ReminderSent.objects.filter(event=event, kind=kind).values("user_id")
            for registration in people.exclude(user_id__in=done).select_related("user__profile"):
                sent += remind(event, registration.user, kind)
    return sent


def remind(event, user, kind):
    try:
        with transaction.atomic():
            ReminderSent.objects.create(event=event, user=user, kind=kind)
            with translation.override(settings.LANGUAGE_CODE):
                zone = reader_zone(user)
                state = times(event)
                mail.send(
                    "emails/session_reminder",
                    user=user,
                    kind=EmailKind.REMINDERS,
                    context={
                        "event": event,
                        "kind": kind,
                        "when": when(state, event.time_zone),
                        "when_mine": when(state, zone) if zone and zone != event.time_zone else "",
                        "event_url": mail.absolute_url(event.get_absolute_url()),
                        "join_url": mail.absolute_url(reverse("events:join", args=[event.slug])),
                    },
                )
    except IntegrityError:
        return 0  # another run sent it
    return 1
