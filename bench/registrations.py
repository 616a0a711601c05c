"""200 people register at once for a session of 100 places, on PostgreSQL.

    python bench/registrations.py [--people 200] [--capacity 100] [--threads 32]

Each thread has its own database connection and registers people through the same
code the web view calls (events.booking.register), so the row lock is exercised for
real. Prints the wall time, per-registration latency and the final counts, and exits
non-zero unless exactly `capacity` people got a place and the rest are waiting.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--threads", type=int, default=32)
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring_hub.settings")
    import django

    django.setup()
    from datetime import date
    from datetime import time as clock

    from django.contrib.auth import get_user_model
    from django.db import connection

    from events import booking
    from events.models import Campaign, Event, Host, Registration, local_datetime

    campaign, _ = Campaign.objects.get_or_create(
        slug="bench-race",
        defaults={"name": "Race", "starts_on": date(2099, 1, 1), "ends_on": date(2099, 1, 31)},
    )
    host, _ = Host.objects.get_or_create(slug="bench-race-host", defaults={"name": "Race host"})
    Event.objects.filter(slug="bench-race-session").delete()
    event = Event(
        campaign=campaign,
        host=host,
        title="Race for places",
        slug="bench-race-session",
        starts_on=date(2099, 1, 5),
        starts_at=local_datetime(date(2099, 1, 5), clock(12), "America/New_York"),
        time_zone="America/New_York",
        status=Event.Status.PUBLISHED,
        capacity=options.capacity,
    )
    event.save()
    User = get_user_model()
    users = [
        User.objects.get_or_create(
            username=f"racer{n}", defaults={"email": f"racer{n}@example.org"}
        )[0]
        for n in range(options.people)
    ]
    connection.close()

    latencies, lock = [], threading.Lock()

    def register(user):
        try:
            started = time.perf_counter()
            booking.register(event, user)
            with lock:
                latencies.append(time.perf_counter() - started)
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=options.threads) as pool:
        list(pool.map(register, users))
    wall = time.perf_counter() - started

    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
    waiting = event.registrations.filter(status=Registration.Status.WAITING).count()
    latencies.sort()
    print(
        f"registrations: {options.people} people, {options.capacity} places, "
        f"{options.threads} concurrent connections on {connection.vendor}"
    )
    print(
        f"  wall {wall:.2f} s ({options.people / wall:.0f} registrations/s); per registration "
        f"p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms"
    )
    print(f"  confirmed {confirmed}, waiting {waiting}")
    expected = (min(options.capacity, options.people), max(options.people - options.capacity, 0))
    if (confirmed, waiting) != expected:
        raise SystemExit(f"WRONG: expected {expected[0]} confirmed and {expected[1]} waiting")


if __name__ == "__main__":
    main()
