"""Feed build times with 1,000 sessions: cold, and after one session changes.

    python bench/feeds.py

Runs in-process against the bench database (the same environment as bench/run.py):
a cold build serialises every session and every VTIMEZONE; a new worker takes the
sessions other processes serialised from the shared cache; after one change only that
session is serialised again and the rest are spliced from their stored bytes.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(function, runs=5):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring_hub.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from events import feeds, ics
    from events.models import Event

    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    count = Event.objects.listed().count()

    def fetch():
        response = client.get("/events/feed.ics")
        if response.status_code != 200:
            raise SystemExit(f"feed.ics answered {response.status_code}")
        return response

    def new_worker():
        """A process that has built nothing: it takes the VEVENTs other processes
        serialised from the shared cache."""
        ics._entries.clear()
        ics._zones.clear()
        ics._heads.clear()
        feeds.forget()
        fetch()

    shared = ics.shared_entries

    def cold():
        """Nothing stored anywhere: every session serialised."""
        ics.shared_entries = lambda stale: {}
        try:
            new_worker()
        finally:
            ics.shared_entries = shared

    event = Event.objects.get(slug="bench-session-500")

    def after_one_change():
        event.title = f"Bench session 500 ({time.perf_counter_ns()})"
        event.save()
        started = time.perf_counter()
        fetch()
        return (time.perf_counter() - started) * 1000

    cold_ms = timed(cold)
    client.get("/events/feed.ics")  # warm, and stored in the shared cache
    new_worker_ms = timed(new_worker)
    rebuild_ms = statistics.median(after_one_change() for _ in range(5))
    size = len(fetch().content)
    print(
        f"feed builds: {count} sessions, {size / 1024:.0f} KiB; cold build {cold_ms:.0f} ms "
        f"(target ≤ 500; a new worker with the shared entries {new_worker_ms:.0f} ms), "
        f"rebuild after one change {rebuild_ms:.0f} ms (target ≤ 50)"
    )


if __name__ == "__main__":
    main()
