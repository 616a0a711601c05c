"""The events app's periodic jobs (run by `manage.py run_periodic`)."""

from datetime import timedelta

from events import notices
from mentoring_hub.periodic import periodic


@periodic("send_change_notices", every=timedelta(minutes=1))
def send_change_notices(now):
    """Send change notices whose few minutes of gathering edits are over."""
    return notices.send_due_notices(now)


@periodic("send_reminders", every=timedelta(minutes=5))
def send_reminders(now):
    """Reminders a day and an hour before sessions."""
    return notices.send_reminders(now)


@periodic("send_digests", every=timedelta(days=1))
def send_digests(now):
    """The daily digest of session changes, for those who chose it."""
    return notices.send_digests(now)
