"""Change notices for a session with 5,000 registrations, to a local SMTP sink.

    python bench/notices.py [--people 5000] [--workers 2]

Needs DATABASE_URL (bench/run.py sets its PostgreSQL) and runs tasks on the database
backend. Seeds the people and their registrations (bulk inserts: bench data only),
moves the session, then measures:
- queue: `send_due_notices` (render every person's email in both zones with the .ics,
  record who was told, put each message in the outbox, one delivery task per 50);
- send: `manage.py db_worker --batch` processes (one or more at once) delivering every
  message over SMTP to an aiosmtpd sink on 127.0.0.1, until the sink has them all.
Prints both times and messages per second; exits non-zero unless every person got
exactly one message.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Sink:
    """Counts messages; keeps nothing else."""

    def __init__(self):
        self.count = 0
        self.recipients = {}

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        for rcpt in envelope.rcpt_tos:
            self.recipients[rcpt] = self.recipients.get(rcpt, 0) + 1
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}", "TASKS_BACKEND": "database"}
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring_hub.settings")
    import django

    django.setup()
    from datetime import date, timedelta
    from datetime import time as clock

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from events import notices
    from events.models import (
        AnnouncedState,
        Campaign,
        ChangeNotice,
        Event,
        Host,
        Registration,
        local_datetime,
    )
    from mentoring_hub.models import OutgoingEmail

    User = get_user_model()
    campaign, _ = Campaign.objects.get_or_create(
        slug="bench-notices",
        defaults={"name": "Notices", "starts_on": date(2099, 1, 1), "ends_on": date(2099, 1, 31)},
    )
    host, _ = Host.objects.get_or_create(slug="bench-notices-host", defaults={"name": "Host"})
    Event.objects.filter(slug="bench-notice-session").delete()
    DBTaskResult.objects.all().delete()
    OutgoingEmail.objects.all().delete()
    event = Event(
        campaign=campaign,
        host=host,
        title="Bench notice session",
        slug="bench-notice-session",
        starts_on=date(2099, 1, 12),
        starts_at=local_datetime(date(2099, 1, 12), clock(11), "America/New_York"),
        ends_at=local_datetime(date(2099, 1, 12), clock(12), "America/New_York"),
        time_zone="America/New_York",
        status=Event.Status.PUBLISHED,
    )
    event.save()
    password = make_password(None)
    existing = set(
        User.objects.filter(username__startswith="bench-notice-").values_list("username", flat=True)
    )
    User.objects.bulk_create(
        [
            User(username=name, email=f"{name}@example.org", password=password)
            for name in (f"bench-notice-{n}" for n in range(options.people))
            if name not in existing
        ],
        batch_size=2000,
    )
    users = User.objects.filter(username__startswith="bench-notice-").order_by("pk")
    Registration.objects.bulk_create(
        [Registration(event=event, user=user) for user in users[: options.people]],
        batch_size=2000,
    )
    AnnouncedState.objects.create(event=event, state=notices.snapshot(event))
    event.starts_at += timedelta(hours=2)
    event.ends_at += timedelta(hours=2)
    event.save()
    if not ChangeNotice.objects.filter(event=event, status="pending").exists():
        raise SystemExit("notices: moving the session opened no notice")

    started = time.perf_counter()
    told = notices.send_due_notices(timezone.now() + timedelta(minutes=10))
    queued_s = time.perf_counter() - started
    if told != options.people:
        raise SystemExit(f"notices: {told} told, not {options.people}")

    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--batch",
                "--no-startup-delay",
                "--worker-id",
                f"bench-{n}",
            ],
            cwd=ROOT,
            env={**env, "LOG_LEVEL": "WARNING"},
            stdout=subprocess.DEVNULL,
        )
        for n in range(options.workers)
    ]
    for worker in workers:
        worker.wait(timeout=600)
    deadline = time.monotonic() + 30
    while sink.count < options.people and time.monotonic() < deadline:
        time.sleep(0.05)
    sent_s = time.perf_counter() - started
    controller.stop()
    twice = [rcpt for rcpt, n in sink.recipients.items() if n > 1]
    print(
        f"notices: {options.people:,} registrations: queued in {queued_s:.2f} s "
        f"({options.people / queued_s:,.0f}/s); delivered over SMTP by {options.workers} "
        f"worker(s) in {sent_s:.2f} s ({sink.count / sent_s:,.0f}/s); "
        f"{sink.count:,} messages, {len(twice)} people twice"
    )
    Event.objects.filter(pk=event.pk).delete()
    if sink.count != options.people or twice:
        raise SystemExit("notices: not exactly one message per person")


if __name__ == "__main__":
    main()
