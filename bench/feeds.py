"""Feed build times with 1,000 sessions: cold, and after one session changes.

    python bench/feeds.py

Runs in-process against the bench database (the same environment as bench/run.py):
a cold build serialises every session and every VTIMEZONE; after one change only that
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

    def cold():
        ics._entries.clear()
        ics._zones.clear()
        feeds._built.clear()
        response = client.get("/events/feed.ics")
        response.raise_for_status() if hasattr(response, "raise_for_status") else None

    event = Event.objects.get(slug="bench-session-500")

    def after_one_change():
        event.title = f"Bench session 500 ({time.perf_counter_ns()})"
        event.save()
        started = time.perf_counter()
        response = client.get("/events/feed.ics")
        response.raise_for_status() if hasattr(response, "raise_for_status") else None
        return (time.perf_counter() - started) * 1000

    cold_ms = timed(cold)
    client.get("/events/feed.ics")  # warm
    rebuild_ms = statistics.median(after_one_change() for _ in range(5))
    size = len(client.get("/events/feed.ics").content)
    print(
        f"feed builds: {count} sessions, {size / 1024:.0f} KiB; cold build {cold_ms:.0f} ms "
        f"(target ≤ 500), rebuild after one change {rebuild_ms:.0f} ms (target ≤ 50)"
    )


if __name__ == "__main__":
    main()
