"""A busy campaign day: the load run and the ten-minute soak (issue #14).

    python bench/load.py [--duration 10] [--runs 3]     # each page beside the trivial view
    python bench/load.py soak [--minutes 10] [--rate 40]

Both serve the project with gunicorn (2 sync workers) on its own PostgreSQL database
(`mentoring_hub_load`) and Redis database, loaded with a realistic data set: the launch
schedule, 1,000 more sessions and 5,000 profiles (1,000 mentors, 4,000 mentees), and 400
signed-in members who register for sessions and cancel again. Loopback only.

The load run drives each page with wrk (2 threads, 8 connections) interleaved with the
trivial view and prints requests per second, the ratio, p50 and p99, errors (socket
errors and non-2xx/3xx answers) and each worker's peak resident memory (VmHWM).

The soak sends requests at a fixed rate (an open loop: each request has its due time,
and latency is counted from it, so a stalled server cannot hide behind a slow client),
a mix of every page and registration POSTs, and samples each worker's resident memory
every 10 seconds. It fails when a request fails or when a worker's memory grows between
the end of the first minute (warmed up) and the end.
"""

import argparse
import http.client
import itertools
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402 -- the project root goes on the path first
from bench.services import postgres_answers, redis_answers  # noqa: E402

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mentoring_hub_load"
REDIS_URL = "redis://127.0.0.1:6379/6"
MEMBERS = 400
REGISTER_SESSIONS = [f"bench-session-{n}" for n in range(1, 21)]  # open, upcoming, timed
USERS_FILE = ROOT / "var" / "load-members.txt"
LUA = ROOT / "bench" / "register.lua"

PAGES = [
    ("home", "/"),
    ("agenda", "/events/"),
    ("month grid", "/events/calendar/2027/3/"),
    ("session page", "/events/bench-session-500/"),
    ("launch session page", "/events/national-mentoring-month-kick-off-2023/"),
    ("feed.ics 200", "/events/feed.ics"),
    ("feed.ics 200 gzip", "/events/feed.ics"),  # what calendar apps ask for
    ("feed.ics 304", "/events/feed.ics"),
    ("directory", "/mentors/"),
    ("directory search", "/mentors/?q=leadership&experience=4"),
]


def environment(port):
    env = run.bench_environment(port, DATABASE_URL, REDIS_URL)
    env["CACHE_KEY_PREFIX"] = "load"
    env["TASKS_BACKEND"] = "database"  # emails wait for a worker, as in production
    return env


def prepare(env):
    """Create and fill the load database (idempotent), then sign the members in."""
    run.create_database(DATABASE_URL)
    run.manage(env, "migrate", "--noinput", "--verbosity", "0")
    run.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    run.manage(env, "load_schedule")
    for args in (("sessions", "1000"), ("cohort", "4000", "1000")):
        subprocess.run([sys.executable, "bench/seed.py", *args], cwd=ROOT, env=env, check=True)
    script = (
        "import sys; sys.path.insert(0, '.'); from bench.load import sign_in_members; "
        "sign_in_members()"
    )
    subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "mentoring_hub.settings"},
        check=True,
    )


def sign_in_members():
    """A session (as a login makes one) and a CSRF secret for each of MEMBERS mentees,
    written to USERS_FILE as `cookie|csrf token|register path` lines."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.utils.crypto import get_random_string

    from mentors.models import Profile

    profiles = Profile.objects.filter(display_name__startswith="Bench mentee ").select_related(
        "user"
    )[:MEMBERS]
    lines = []
    for n, profile in enumerate(profiles):
        user = profile.user
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = get_random_string(32)  # as Django makes a CSRF secret
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={csrf}"
        path = f"/events/{REGISTER_SESSIONS[n % len(REGISTER_SESSIONS)]}/register"
        lines.append(f"{cookie}|{csrf}|{path}")
    USERS_FILE.parent.mkdir(exist_ok=True)
    USERS_FILE.write_text("\n".join(lines) + "\n")


def members():
    return [line.split("|") for line in USERS_FILE.read_text().splitlines() if line]


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def memory_kib(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def etag(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return response.headers["ETag"]


def load_run(options):
    run.ensure_wrk()
    port = run.free_port()
    env = environment(port)
    prepare(env)
    print(
        f"\nLoad run: launch schedule + 1,000 sessions + 5,000 profiles, gunicorn 2 sync"
        f" workers, PostgreSQL and Redis; wrk -t2 -c8 -d{options.duration}s, median of"
        f" {options.runs} runs, each beside the trivial view {run.TRIVIAL}\n"
    )
    header = (
        f"{'page':<28}{'req/s':>8}{'trivial':>9}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'errors':>8}{'peak MiB/worker':>18}"
    )
    print(header)
    print("-" * len(header))
    failed = 0
    with run.serving(env, port) as (base, master):
        # The Lua script chooses each POST's path; wrk only needs the server's address.
        for name, path in [*PAGES, ("registration POST", "/")]:
            headers, script = [], LUA if name == "registration POST" else None
            if name.endswith("304"):
                headers.append(f"If-None-Match: {etag(base, path)}")
            if name.endswith("gzip"):
                headers.append("Accept-Encoding: gzip")
            page, trivial = [], []
            for _ in range(options.runs):
                trivial.append(run.wrk(base + run.TRIVIAL, options.duration))
                page.append(
                    run.wrk(
                        base + path,
                        options.duration,
                        headers,
                        script=script,
                        strict=False,
                        env={"LOAD_MEMBERS": str(USERS_FILE)},
                    )
                )
            errors = sum(sample["errors"] + sample["non_2xx"] for sample in page)
            failed += errors
            rps, trivial_rps = (
                statistics.median(s["rps"] for s in samples) for samples in (page, trivial)
            )
            peaks = "/".join(
                f"{memory_kib(pid, 'VmHWM') / 1024:.0f}" for pid in worker_pids(master)
            )
            print(
                f"{name:<28}{rps:>8.0f}{trivial_rps:>9.0f}{rps / trivial_rps:>7.0%}"
                f"{statistics.median(s['p50'] for s in page):>8.2f}"
                f"{statistics.median(s['p99'] for s in page):>8.2f}{errors:>8}{peaks:>18}",
                flush=True,
            )
    if failed:
        raise SystemExit(f"{failed} requests failed")


class Soak:
    """Open-loop requests at a fixed rate from a pool of threads."""

    def __init__(self, port, rate, seconds, mix):
        self.port, self.rate, self.seconds, self.mix = port, rate, seconds, mix
        self.next_slot = itertools.count()
        self.lock = threading.Lock()
        self.latencies, self.failures = [], []
        self.started = None

    def request(self, method, path, headers, body):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def loop(self):
        rng = random.Random()  # noqa: S311 -- a request mix, not a secret
        while True:
            slot = next(self.next_slot)
            due = self.started + slot / self.rate
            if due - self.started >= self.seconds:
                return
            time.sleep(max(0.0, due - time.monotonic()))
            method, path, headers, body = rng.choice(self.mix)()
            try:
                status = self.request(method, path, headers, body)
                ok = status < 400
            except OSError as exc:
                status, ok = repr(exc), False
            latency = time.monotonic() - due
            with self.lock:
                self.latencies.append(latency)
                if not ok:
                    self.failures.append((method, path, status))

    def go(self, threads=16):
        self.started = time.monotonic() + 0.5
        pool = [threading.Thread(target=self.loop, daemon=True) for _ in range(threads)]
        for thread in pool:
            thread.start()
        return pool


def soak_mix(base):
    feed_tag = etag(base, "/events/feed.ics")
    people = members()
    turn = itertools.count()
    registered = {}

    def get(path, **headers):
        return lambda: ("GET", path, headers, None)

    def register():
        # Each member in turn registers, then cancels next time round.
        n = next(turn) % len(people)
        cookie, csrf, path = people[n]
        action = "cancel" if registered.get(n) else "register"
        registered[n] = not registered.get(n)
        headers = {
            "Cookie": cookie,
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return "POST", path, headers, f"action={action}"

    def session_page():
        return "GET", f"/events/bench-session-{random.randrange(1, 1000)}/", {}, None  # noqa: S311

    pages = [get(path) for name, path in PAGES if not name.endswith(("304", "gzip"))]
    pages.append(get("/events/feed.ics", **{"Accept-Encoding": "gzip"}))
    return [
        *pages,
        session_page,
        session_page,
        get("/events/feed.ics", **{"If-None-Match": feed_tag}),
        register,
        register,
        get(run.TRIVIAL),
    ]


def soak(options):
    port = run.free_port()
    env = environment(port)
    prepare(env)
    seconds = options.minutes * 60
    print(
        f"\nSoak: {options.rate} requests/s for {options.minutes} min (pages, feeds and"
        f" registration POSTs), gunicorn 2 sync workers; worker memory (RSS) every 10 s\n"
    )
    with run.serving(env, port) as (base, master):
        pids = worker_pids(master)
        load = Soak(port, options.rate, seconds, soak_mix(base))
        threads = load.go()
        samples = []  # (seconds, [RSS KiB per worker])
        while any(thread.is_alive() for thread in threads):
            time.sleep(10)
            elapsed = time.monotonic() - load.started
            samples.append((elapsed, [memory_kib(pid, "VmRSS") for pid in pids]))
            done = len(load.latencies)
            print(
                f"  {elapsed:5.0f} s  {done:6} requests  {len(load.failures)} failed  RSS MiB "
                + " / ".join(f"{kib / 1024:.1f}" for kib in samples[-1][1]),
                flush=True,
            )
        peaks = [memory_kib(pid, "VmHWM") for pid in pids]
        if worker_pids(master) != pids:
            raise SystemExit("a worker was replaced during the soak")
    latencies = sorted(load.latencies)
    warm = next(rss for at, rss in samples if at >= 60)
    last = samples[-1][1]
    print(
        f"\nsoak: {len(latencies)} requests in {seconds} s"
        f" ({len(latencies) / seconds:.1f}/s, target {options.rate}/s);"
        f" failed {len(load.failures)}; latency from due time p50"
        f" {statistics.median(latencies) * 1000:.1f} ms, p99"
        f" {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms"
    )
    for n, (first, end, peak) in enumerate(zip(warm, last, peaks, strict=True)):
        print(
            f"worker {n + 1}: RSS after 1 min {first / 1024:.1f} MiB, at the end"
            f" {end / 1024:.1f} MiB ({(end - first) / 1024:+.1f} MiB), peak {peak / 1024:.1f} MiB"
        )
    problems = [f"{method} {path}: {status}" for method, path, status in load.failures[:10]]
    grown = [
        n + 1 for n, (first, end) in enumerate(zip(warm, last, strict=True)) if end > first * 1.02
    ]
    if grown:
        problems.append(f"memory grew more than 2% after warm-up in worker(s) {grown}")
    if problems:
        raise SystemExit("soak failed:\n  " + "\n  ".join(problems))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=["load", "soak"], default="load")
    parser.add_argument("--duration", type=int, default=10, help="load: seconds per wrk run")
    parser.add_argument("--runs", type=int, default=3, help="load: runs per page (median)")
    parser.add_argument("--minutes", type=float, default=10, help="soak: length")
    parser.add_argument("--rate", type=int, default=40, help="soak: requests per second")
    options = parser.parse_args()
    if not postgres_answers(DATABASE_URL):
        raise SystemExit(f"PostgreSQL does not answer at {DATABASE_URL}")
    if not redis_answers(REDIS_URL):
        raise SystemExit(f"Redis does not answer at {REDIS_URL}")
    (soak if options.mode == "soak" else load_run)(options)


if __name__ == "__main__":
    main()
