"""The pages bench/run.py measures, each with an optional setup that loads its data.

A setup receives the bench's environment (DATABASE_URL and friends) and runs before
gunicorn starts; it must be idempotent, since the bench database is kept between runs.
`server_env` adds environment variables for the server that serves this page: pages
are grouped by it and each group gets its own gunicorn.
"""

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNCACHED = (("PUBLIC_PAGE_CACHE", "0"),)
GZIP = ("Accept-Encoding: gzip",)
FEED_BYTES = 708_363  # /events/feed.ics with bench/seed.py's 1,000 sessions


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    setup: Callable[[dict], None] | None = None
    server_env: tuple = field(default=())
    conditional: bool = False  # send the page's current ETag back (If-None-Match)
    headers: tuple = field(default=())


def thousand_sessions(env):
    subprocess.run(
        [sys.executable, "bench/seed.py", "sessions", "1000"], cwd=ROOT, env=env, check=True
    )


def cohort(env):
    subprocess.run(
        [sys.executable, "bench/seed.py", "cohort", "20000", "4000"], cwd=ROOT, env=env, check=True
    )


SCHEDULE_PAGES = [
    ("agenda", "/events/"),
    ("month grid", "/events/calendar/2027/3/"),
    ("session page", "/events/bench-session-500/"),
]

DIRECTORY_PAGES = [
    ("directory", "/mentors/"),
    ("directory search", "/mentors/?q=leadership&experience=4&format=video"),
]

PAGES = [
    Page("healthz", "/healthz"),
    *(
        Page(f"{name} (4000 mentors) {variant}", path, setup=cohort, server_env=server_env)
        for name, path in DIRECTORY_PAGES
        for variant, server_env in (("cached", ()), ("uncached", UNCACHED))
    ),
    Page("feed.ics (1000 sessions) 200", "/events/feed.ics", setup=thousand_sessions),
    # What sending that many bytes costs by itself: the trivial view with a body the
    # size of the 1,000-session feed (692 KiB). A feed served from stored bytes cannot
    # be faster than this.
    Page(f"trivial view, {FEED_BYTES // 1024} KiB body", f"/bench/bytes/{FEED_BYTES}"),
    Page(
        "feed.ics (1000 sessions) 200 gzip",
        "/events/feed.ics",
        setup=thousand_sessions,
        headers=GZIP,
    ),
    Page(
        "feed.ics (1000 sessions) 304",
        "/events/feed.ics",
        setup=thousand_sessions,
        conditional=True,
    ),
    Page("home", "/", setup=thousand_sessions),
    *(
        Page(f"{name} (1000 sessions) cached", path, setup=thousand_sessions)
        for name, path in SCHEDULE_PAGES
    ),
    *(
        Page(f"{name} (1000 sessions) uncached", path, setup=thousand_sessions, server_env=UNCACHED)
        for name, path in SCHEDULE_PAGES
    ),
]
