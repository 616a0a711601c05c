"""The events app's part of a person's data export and account deletion."""

from accounts.personal_data import iso
from events import booking
from events.models import Registration


def export_events(user):
    registrations = user.registrations.select_related("event").order_by("queued_at")
    return {
        "registrations": [
            {
                "session": r.event.title,
                "url": r.event.get_absolute_url(),
                "status": r.status,
                "since": iso(r.queued_at),
            }
            for r in registrations
        ],
        "proposals": [
            {
                "title": p.title,
                "organisation": p.organisation,
                "description": p.description,
                "date": iso(p.starts_on),
                "state": p.state,
                "submitted_at": iso(p.created_at),
            }
            for p in user.proposals.order_by("created_at")
        ],
    }


def release_places(user):
    """Give up the person's places so the first people waiting move up."""
    active = user.registrations.filter(status=Registration.Status.CONFIRMED)
    for registration in active.select_related("event"):
        booking.cancel(registration.event, user)
