"""Page benchmarks: each page against a trivial view, measured in the same run.

gunicorn (2 sync workers) serves the project on PostgreSQL with REDIS_URL set; Debian's
wrk (2 threads, 8 connections) loads each page for --duration seconds, interleaved with
the trivial `HttpResponse("ok")` view, --runs times. The table gives the median
requests per second of each, their ratio, and p50/p99 latency. Only loopback is used.

    python bench/run.py [--duration 10] [--runs 3] [--only healthz,home]

Other issues add pages (and the data they need) in bench/pages.py.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import PAGES  # noqa: E402 -- the project root goes on the path first
from bench.services import postgres_answers, redis_answers  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentoring_hub_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
TRIVIAL = "/bench/ok"


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("wrk is missing: installing Debian's package", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_environment(port, database_url=DATABASE_URL, redis_url=REDIS_URL):
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-" + "q" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "bench",
        "BENCH_ENDPOINTS": "1",
        "LOG_LEVEL": "WARNING",
        "ACCESS_LOG": "0",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def create_database(database_url=DATABASE_URL):
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(database_url)
    connection = psycopg2.connect(
        host=config["HOST"], port=config["PORT"], user=config["USER"], dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    connection.close()


def wait_until_up(base, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not come up")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url, duration, headers=(), script=None, strict=True, env=None):
    """One wrk run. `strict`: any non-2xx/3xx answer stops the bench; otherwise they
    are counted (with socket errors) and returned. `env` reaches a Lua `script`."""
    extra = [arg for header in headers for arg in ("-H", header)]
    if script:
        extra += ["-s", str(script)]
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{duration}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
        env={**os.environ, **(env or {})},
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx and strict:
        raise SystemExit(f"{url}: {non_2xx.group(1)} error responses\n{out}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "errors": sum(map(int, errors.groups())) if errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
    }


def current_etag(url, headers):
    request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers["ETag"]


def measure(base, path, duration, runs, conditional=False, headers=()):
    """Interleave page and trivial view so drift on the machine hits both alike."""
    headers = list(headers)
    if conditional:
        headers.append(f"If-None-Match: {current_etag(base + path, headers)}")
    page, trivial = [], []
    for _ in range(runs):
        trivial.append(wrk(base + TRIVIAL, duration))
        page.append(wrk(base + path, duration, headers))

    def median(samples, key):
        return statistics.median(sample[key] for sample in samples)

    return {key: (median(page, key), median(trivial, key)) for key in ("rps", "p50", "p99")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median taken)")
    parser.add_argument(
        "--only", default="", help="comma-separated words; pages whose name has one"
    )
    options = parser.parse_args()

    ensure_wrk()
    if not postgres_answers(DATABASE_URL):
        raise SystemExit(f"PostgreSQL does not answer at {DATABASE_URL}")
    redis_state = "set" if redis_answers(REDIS_URL) else "UNREACHABLE (database cache used)"
    port = free_port()
    env = bench_environment(port)
    if redis_state != "set":
        env.pop("REDIS_URL")
    create_database()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")

    wanted = {name for name in options.only.split(",") if name}
    pages = [page for page in PAGES if not wanted or any(word in page.name for word in wanted)]
    for setup in dict.fromkeys(page.setup for page in pages if page.setup):
        setup(env)

    print(
        f"\nMentoring Hub bench: gunicorn 2 sync workers, PostgreSQL, REDIS_URL {redis_state};"
        f" wrk -t2 -c8 -d{options.duration}s, median of {options.runs} runs,"
        f" each page interleaved with the trivial view {TRIVIAL}\n"
    )
    header = f"{'page':<36}{'req/s':>9}{'trivial':>9}{'ratio':>7}{'p50 ms':>9}{'p99 ms':>9}"
    print(header)
    print("-" * len(header))
    if not wanted or "photos" in wanted:
        subprocess.run([sys.executable, "bench/photos.py"], cwd=ROOT, env=env, check=True)
    if not wanted or "feed" in wanted:
        subprocess.run([sys.executable, "bench/feeds.py"], cwd=ROOT, env=env, check=True)
    if not wanted or "matching" in wanted:
        subprocess.run([sys.executable, "bench/matching.py"], cwd=ROOT, env=env, check=True)
    if not wanted or "notices" in wanted:
        subprocess.run([sys.executable, "bench/notices.py"], cwd=ROOT, env=env, check=True)
    if not wanted or "registrations" in wanted:
        subprocess.run(
            [sys.executable, "bench/registrations.py"],
            cwd=ROOT,
            env={**env, "TASKS_BACKEND": "database"},
            check=True,
        )
        print()
    for server_env in dict.fromkeys(page.server_env for page in pages):
        group = [page for page in pages if page.server_env == server_env]
        with serving({**env, **dict(server_env)}, port) as (base, _master):
            for page in group:
                result = measure(
                    base, page.path, options.duration, options.runs, page.conditional, page.headers
                )
                rps, trivial_rps = result["rps"]
                print(
                    f"{page.name:<36}{rps:>9.0f}{trivial_rps:>9.0f}{rps / trivial_rps:>7.0%}"
                    f"{result['p50'][0]:>9.2f}{result['p99'][0]:>9.2f}",
                    flush=True,
                )


@contextmanager
def serving(env, port):
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "mentoring_hub.wsgi",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
