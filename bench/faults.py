"""The fault drill (`make bench-faults`): long faults against a production-like site.

gunicorn (2 workers, production settings) on PostgreSQL, with a Redis of the drill's own;
a prober sends a steady mix of requests (home, agenda, a session page, the feed, the
log-in page) at --rate a second throughout, and each drill reports, before, during and
after its fault: requests answered, failed (5xx or no answer), slow (over 2 s), the
503s among the failed, and the slowest answer.

- redis-stop / redis-pause: the site's Redis stopped (then started again, empty), and
  paused with SIGSTOP (it accepts connections and never answers), then resumed.
- postgres: a throwaway PostgreSQL cluster of the drill's own (initdb on a free port,
  removed afterwards) stopped for --down seconds and started again.
- mail: 500 notices queued while the mail server is down for 60 s; db_worker and a
  run_periodic loop (the cron) are all that run; messages counted by Message-ID.
- worker: 500 notices, the db_worker killed (SIGKILL) mid-batch and a new one started;
  lost and repeated messages counted by Message-ID.

    python bench/faults.py [--only redis-stop,postgres] [--seconds 20] [--rate 20]

Nothing leaves loopback; every process the drill starts is stopped at its end.
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from email import message_from_bytes
from pathlib import Path

import dj_database_url
import psycopg2
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import bench_environment, create_database, free_port, manage, serving  # noqa: E402
from tests.processes import OwnRedis, wait_for  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentoring_hub_drill"
)
SLOW = 2.0  # seconds: the promise while a part is down
PATHS = ["/", "/events/", "/events/feed.ics", "/accounts/login/", "/healthz"]


class Prober:
    """Requests at a fixed rate, each on its own thread, so a hung answer never delays
    the next request: (start time, phase, status, seconds) for every one."""

    def __init__(self, base, rate, paths):
        self.base, self.rate, self.paths = base, rate, paths
        self.phase = "before"
        self.results = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=64)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _one(self, path, phase):
        started = time.monotonic()
        request = urllib.request.Request(self.base + path, headers={"Host": "127.0.0.1"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        with self._lock:
            self.results.append((phase, status, time.monotonic() - started))

    def _run(self):
        n = 0
        next_at = time.monotonic()
        while not self._stop.is_set():
            self._pool.submit(self._one, self.paths[n % len(self.paths)], self.phase)
            n += 1
            next_at += 1 / self.rate
            time.sleep(max(0.0, next_at - time.monotonic()))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._pool.shutdown(wait=True)

    def report(self, title):
        print(f"\n{title}")
        print(
            f"{'phase':<8}{'sent':>7}{'answered':>10}{'failed':>8}{'503':>6}{'slow':>6}{'max s':>8}"
        )
        for phase in ("before", "during", "after"):
            rows = [r for r in self.results if r[0] == phase]
            if not rows:
                continue
            failed = [r for r in rows if r[1] == 0 or r[1] >= 500]
            unavailable = [r for r in failed if r[1] == 503]
            slow = [r for r in rows if r[2] > SLOW]
            print(
                f"{phase:<8}{len(rows):>7}{len(rows) - len(failed):>10}{len(failed):>8}"
                f"{len(unavailable):>6}{len(slow):>6}{max(r[2] for r in rows):>8.2f}",
                flush=True,
            )


def drill_environment(database_url, redis_url):
    port = free_port()
    env = bench_environment(port, database_url=database_url, redis_url=redis_url)
    env.update(BENCH_ENDPOINTS="0", CACHE_KEY_PREFIX="drill", LOG_LEVEL="CRITICAL")
    return env, port


def prepare(env):
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "load_schedule", "--verbosity", "0")


def phases(prober, seconds, fault, repair):
    time.sleep(seconds)
    prober.phase = "during"
    fault()
    time.sleep(seconds)
    prober.phase = "after"
    repair()
    time.sleep(seconds)


def drill_redis(options, how):
    redis = OwnRedis().start()
    env, port = drill_environment(DATABASE_URL, redis.url)
    create_database(DATABASE_URL)
    prepare(env)
    try:
        with serving(env, port) as (base, _pid), Prober(base, options.rate, PATHS) as prober:
            if how == "stop":
                phases(prober, options.seconds, redis.stop, redis.start)
            else:
                phases(prober, options.seconds, redis.pause, redis.resume)
        prober.report(f"Redis {'stopped' if how == 'stop' else 'paused'} for {options.seconds} s")
    finally:
        redis.stop()


@contextmanager
def throwaway_postgres():
    """A PostgreSQL cluster of the drill's own on a free port, removed afterwards.
    initdb refuses to run as root, so as root it runs as the postgres user."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    directory = Path(tempfile.mkdtemp(prefix="mh-drill-pg-"))
    port = free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(directory, "postgres", "postgres")
    data = directory / "data"

    def pg_ctl(*args):
        subprocess.run(
            [*as_postgres, str(binaries / "pg_ctl"), "-D", str(data), "-w", "-s", *args],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    subprocess.run(
        [
            *as_postgres,
            binaries / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl("-o", options, "-l", str(directory / "log"), "start")
    try:
        yield port, lambda: pg_ctl("-m", "fast", "stop"), lambda: pg_ctl("-o", options, "start")
    finally:
        subprocess.run(
            [*as_postgres, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(directory, ignore_errors=True)


def drill_postgres(options):
    redis = OwnRedis().start()
    try:
        with throwaway_postgres() as (port, stop, start):
            url = f"postgres://postgres@127.0.0.1:{port}/drill"
            create_database(url)
            env, web_port = drill_environment(url, redis.url)
            prepare(env)
            with serving(env, web_port) as (base, _pid):
                with Prober(base, options.rate, PATHS) as prober:
                    phases(prober, options.seconds, stop, start)
                wait_for(lambda: healthy(base), timeout=30)
            prober.report(f"PostgreSQL (a cluster of the drill's own) down for {options.seconds} s")
    finally:
        redis.stop()


def healthy(base):
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


# Mail --------------------------------------------------------------------------------

NOTICES = 500
QUEUE = f"""
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from mentoring_hub import mail
with transaction.atomic():
    mail.queue_batch(
        [
            EmailMultiAlternatives(
                "Session moved", "The session moved to 11:00.", to=[f"person{{n}}@example.org"]
            )
            for n in range({NOTICES})
        ],
        kind="drill notice",
    )
"""


class Inbox:
    """An SMTP server of the drill's own (aiosmtpd) that counts Message-IDs; it can be
    stopped (connections refused) and started again on the same port, and can take
    `delay` seconds over each message, as a busy server does."""

    def __init__(self, delay=0.0):
        self.port = free_port()
        self.delay = delay
        self.received = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append(message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def counts(self):
        unique = set(self.received)
        return len(unique), len(self.received) - len(unique)


def outbox_states(database_url):
    config = dj_database_url.parse(database_url)
    with (
        psycopg2.connect(
            host=config["HOST"], port=config["PORT"], user=config["USER"], dbname=config["NAME"]
        ) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT status, count(*) FROM mentoring_hub_outgoingemail GROUP BY 1")
        return dict(cursor.fetchall())


@contextmanager
def mail_site(inbox):
    """A fresh drill database, a db_worker and the cron (run_periodic every 20 s; every
    minute in production), sending to `inbox`."""
    url = DATABASE_URL.rsplit("/", 1)[0] + "/mentoring_hub_mail_drill"
    drop_database(url)
    create_database(url)
    env, _port = drill_environment(url, "")
    env.update(EMAIL_URL=f"smtp://127.0.0.1:{inbox.port}", TASK_LEASE="60")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    processes = {}

    def start_worker():
        processes["worker"] = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return processes["worker"]

    stop_cron = threading.Event()

    def cron():
        while not stop_cron.wait(20):
            subprocess.run(
                [sys.executable, "manage.py", "run_periodic"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    cron_thread = threading.Thread(target=cron, daemon=True)
    cron_thread.start()
    try:
        yield env, url, start_worker
    finally:
        stop_cron.set()
        cron_thread.join()  # a run_periodic under way finishes first
        for process in processes.values():
            process.kill()
            process.wait()
        drop_database(url)


def drop_database(url):
    config = dj_database_url.parse(url)
    connection = psycopg2.connect(
        host=config["HOST"], port=config["PORT"], user=config["USER"], dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
    connection.close()


def report_mail(title, inbox, url, started, seconds):
    unique, repeated = inbox.counts()
    states = outbox_states(url)
    print(f"\n{title}")
    print(
        f"queued {NOTICES}, delivered {unique}, lost {NOTICES - unique}, repeated {repeated} "
        f"(by Message-ID); outbox {states}; all delivered {seconds:.0f} s after {started}",
        flush=True,
    )


def drill_mail(options):
    inbox = Inbox()
    try:
        mail_drill(options, inbox)
    finally:
        inbox.stop()


def mail_drill(options, inbox):
    with mail_site(inbox) as (env, url, start_worker):
        start_worker()
        manage(env, "shell", "-c", QUEUE)
        time.sleep(options.mail_down)
        inbox.start()
        back = time.monotonic()
        try:
            wait_for(lambda: inbox.counts()[0] >= NOTICES, timeout=900, interval=1)
        except TimeoutError:
            pass
        seconds = time.monotonic() - back
        time.sleep(5)  # anything repeated late would show now
        report_mail(
            f"Mail server down for {options.mail_down} s under {NOTICES} queued notices",
            inbox,
            url,
            "the server came back",
            seconds,
        )


def drill_worker(options):
    inbox = Inbox(delay=0.02).start()
    try:
        worker_drill(inbox)
    finally:
        inbox.stop()


def worker_drill(inbox):
    with mail_site(inbox) as (env, url, start_worker):
        manage(env, "shell", "-c", QUEUE)
        worker = start_worker()
        wait_for(lambda: len(inbox.received) >= NOTICES // 4, timeout=120, interval=0.01)
        worker.kill()  # SIGKILL mid-batch: no chance to record anything
        worker.wait()
        killed = time.monotonic()
        at_kill = len(inbox.received)
        start_worker()
        try:
            wait_for(lambda: inbox.counts()[0] >= NOTICES, timeout=900, interval=1)
        except TimeoutError:
            pass
        seconds = time.monotonic() - killed
        time.sleep(5)
        report_mail(
            f"db_worker killed (SIGKILL) after {at_kill} of {NOTICES} messages",
            inbox,
            url,
            "the kill",
            seconds,
        )


DRILLS = {
    "redis-stop": lambda options: drill_redis(options, "stop"),
    "redis-pause": lambda options: drill_redis(options, "pause"),
    "postgres": drill_postgres,
    "mail": drill_mail,
    "worker": drill_worker,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(DRILLS), help="comma-separated drills")
    parser.add_argument("--seconds", type=int, default=20, help="each phase's length")
    parser.add_argument("--rate", type=float, default=20, help="requests a second")
    parser.add_argument("--mail-down", type=int, default=60, help="seconds without mail")
    options = parser.parse_args()
    for name in options.only.split(","):
        if name not in DRILLS:
            raise SystemExit(f"no drill {name!r}: choose from {', '.join(DRILLS)}")
        DRILLS[name](options)


if __name__ == "__main__":
    main()
