"""Two app instances (two gunicorn servers on their own ports) sharing one PostgreSQL
and one Redis, as the README's multi-machine deployment: a change made anywhere shows
through both at once, a sign-in through one holds on the other, rate limits count
across both, and a task one queues is run by a worker started separately."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import PASSWORD, make_event, make_member
from tests.processes import Browser

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql"
        or "redis" not in settings.CACHES["default"]["BACKEND"].lower(),
        reason="needs PostgreSQL and Redis, shared by both instances",
    ),
    pytest.mark.django_db(transaction=True),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(port):
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring_hub.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TASKS_BACKEND": "database",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
        "ACCESS_LOG": "0",
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def instances():
    """Base URLs of two running instances; stopped afterwards."""
    servers, bases = [], []
    for _ in range(2):
        port = free_port()
        servers.append(
            subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "-c",
                    "gunicorn.conf.py",
                    "mentoring_hub.wsgi",
                ],
                cwd=ROOT,
                env=environment(port),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield bases
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def test_a_change_shows_through_both_instances_at_once(instances):
    a, b = instances
    event = make_event(title="Before the change")
    for base in (a, b):  # both store the anonymous page in the shared cache
        assert "Before the change" in Browser().get(base + event.get_absolute_url())[2]
    event.refresh_from_db()
    event.title = "After the change"
    event.save()
    for base in (a, b):
        page = Browser().get(base + event.get_absolute_url())[2]
        assert "After the change" in page and "Before the change" not in page
        feed = Browser().get(base + "/events/feed.ics")[2]
        assert "After the change" in feed


def test_a_sign_in_through_one_holds_on_the_other_and_rate_limits_count_across_both(instances):
    a, b = instances
    member = make_member(email="both@example.org")
    browser = Browser()
    status, landed, _page = browser.post_form(
        a + "/accounts/login/", {"login": member.email, "password": PASSWORD}
    )
    assert status == 200 and "/accounts/login/" not in landed
    status, landed, page = browser.get(b + "/me/")
    assert status == 200 and "/me/" in landed and "Signed in as both@example.org" in page

    target = make_member(email="target@example.org")
    for n in range(5):  # five failures, alternating instances
        Browser().post_form(
            (a, b)[n % 2] + "/accounts/login/", {"login": target.email, "password": "wrong"}
        )
    _status, _landed, page = Browser().post_form(
        b + "/accounts/login/", {"login": target.email, "password": PASSWORD}
    )
    assert "Too many failed login attempts" in page


def test_a_task_queued_by_one_instance_is_run_by_a_separate_worker(instances):
    from django_tasks_db.models import DBTaskResult

    a, _b = instances
    event = make_event(capacity=5)
    member = make_member(email="attendee@example.org")
    browser = Browser()
    browser.post_form(a + "/accounts/login/", {"login": member.email, "password": PASSWORD})
    browser.post_form(a + event.get_absolute_url(), {}, action=a + f"/events/{event.slug}/register")
    queued = DBTaskResult.objects.filter(task_path="mentoring_hub.mail.deliver")
    assert queued.exists(), "registering through instance A queued no email"
    assert not queued.filter(status="SUCCESSFUL").exists()
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env={
            **environment(free_port()),
            # The production settings, so EMAIL_URL picks the console backend.
            "DJANGO_SETTINGS_MODULE": "mentoring_hub.settings",
            "EMAIL_URL": "consolemail://",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert queued.filter(status="SUCCESSFUL").exists()
    assert "attendee@example.org" in worker.stdout  # the console backend printed it
