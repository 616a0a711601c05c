"""Feed build times with 1,000 sessions: cold, and after one session changes.

    python bench/feeds.py

Runs in-process against the bench database (the same environment as bench/run.py):
a cold build serialises every session and every VTIMEZONE; a new worker takes the
sessions other processes serialised from the shared cache; after one change only that
session is serialised again and the rest are spliced from their stored bytes.

Then what each per-process store saves behind the shared cache and the ETag: the same
work with the store emptied before each run (its forget_*()), as if it did not exist.
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

    def after_one_change(*forget):
        event.title = f"Bench session 500 ({time.perf_counter_ns()})"
        event.save()
        for each in forget:
            each()
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
        f"rebuild after one change {rebuild_ms:.0f} ms (target ≤ 50)",
        flush=True,
    )
    stores(client, fetch, after_one_change, rebuild_ms)


def stores(client, fetch, after_one_change, rebuild_ms):
    """A line per per-process store: the work it saves, with it and without it."""
    from events import feeds, ics
    from events.models import Event
    from events.notices import calendar_attachment

    def rebuild_without(*forget):
        return statistics.median(after_one_change(*forget) for _ in range(5))

    def row(store, what, kept, emptied):
        print(f"  store {store}: {what} {kept:.1f} ms with it, {emptied:.1f} ms without")

    event = (  # a timed session (every 25th is to be decided: no VTIMEZONE)
        Event.objects.filter(slug="bench-session-501")
        .select_related("campaign", "host")
        .prefetch_related("join_options")
        .get()
    )
    fetch()
    row(
        "feeds._built",
        "feed.ics 200",
        timed(fetch, 20),
        timed(lambda: (feeds.forget_feeds(), fetch()), 5),
    )
    # The filters a calendar app subscribes with (campaign and host: two queries to
    # validate them).
    filtered = f"/events/feed.ics?campaign={event.campaign.slug}&host={event.host.slug}"
    client.get(filtered)
    row(
        "feeds._spellings",
        "filtered feed.ics 200",
        timed(lambda: client.get(filtered), 50),
        timed(lambda: (feeds.forget_spellings(), client.get(filtered)), 50),
    )
    row("ics._entries", "rebuild after one change", rebuild_ms, rebuild_without(ics.forget_entries))
    shared = ics.shared_entries
    ics.shared_entries = lambda stale: {}  # the shared cache down (Redis stopped)
    try:
        row(
            "ics._entries",
            "rebuild after one change, shared cache down",
            rebuild_without(),
            rebuild_without(ics.forget_entries),
        )
    finally:
        ics.shared_entries = shared
    row("ics._zones", "rebuild after one change", rebuild_ms, rebuild_without(ics.forget_zones))
    calendar_attachment(event)
    row(
        "ics._zones",
        "one session's .ics (a download, an attachment)",
        timed(lambda: calendar_attachment(event), 50),
        timed(lambda: (ics.forget_zones(), calendar_attachment(event)), 10),
    )


if __name__ == "__main__":
    main()
