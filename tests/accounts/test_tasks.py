import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test import override_settings

from accounts.models import EmailKind
from mentoring_hub import mail as outbox
from mentoring_hub import periodic
from mentoring_hub.models import PeriodicRun
from tests.factories import make_member

ROOT = Path(__file__).resolve().parents[2]
NOON = datetime(2027, 1, 9, 12, 0, tzinfo=UTC)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, real concurrency)"
)


@pytest.fixture
def counting_job():
    """A periodic job that records each run and takes long enough to overlap."""
    calls = []

    def job(now):
        calls.append(now)
        threading.Event().wait(0.3)

    saved = dict(periodic.JOBS)
    periodic.JOBS.clear()
    periodic.periodic("count", every=timedelta(hours=1))(job)
    yield calls
    periodic.JOBS.clear()
    periodic.JOBS.update(saved)


@pytest.mark.django_db
def test_run_periodic_runs_each_job_once_per_slot(counting_job):
    assert periodic.run_due(NOON) == ["count"]
    assert periodic.run_due(NOON + timedelta(minutes=5)) == []
    assert periodic.run_due(NOON + timedelta(hours=1)) == ["count"]
    assert len(counting_job) == 2


@pytest.mark.django_db
def test_failed_job_is_tried_again(counting_job):
    def broken(now):
        raise RuntimeError("mail server down")

    periodic.periodic("broken", every=timedelta(hours=1))(broken)
    assert periodic.run_due(NOON) == ["count"]
    assert not PeriodicRun.objects.filter(job="broken").exists()


@pytest.mark.django_db
def test_run_periodic_command_runs_the_real_jobs(capsys):
    from django.core.management import call_command

    call_command("run_periodic")
    first = capsys.readouterr().out.split("\n")
    call_command("run_periodic")
    assert "ran clear_expired_sessions" in first
    assert capsys.readouterr().out.strip() == "nothing due"


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_run_periodic_twice_concurrently_runs_each_job_once(counting_job):
    results, errors = [], []

    def run():
        try:
            results.append(periodic.run_due(NOON))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [[], ["count"]]
    assert len(counting_job) == 1
    assert PeriodicRun.objects.filter(job="count").count() == 1


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_real_db_worker_delivers_queued_email(smtp_server):
    member = make_member(email="grace@example.org")
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        outbox.send(
            "emails/test_notice", user=member, kind=EmailKind.REMINDERS, context={"what": "Panel"}
        )
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 1
    assert smtp_server.messages == []  # queued, not sent by the web process
    run_worker(smtp_server)
    assert [m.rcpt_tos for m in smtp_server.messages] == [["grace@example.org"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def run_worker(smtp_server):
    """`manage.py db_worker --batch` in its own process, on the test database."""
    name = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring_hub.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "TASKS_BACKEND": "database",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_task_left_running_by_a_killed_worker_is_ready_again_after_its_lease(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASK_LEASE = 900

    def running(started_at):
        return DBTaskResult.objects.create(
            status="RUNNING",
            started_at=started_at,
            args_kwargs={"args": [[1]], "kwargs": {}},
            task_path="mentoring_hub.mail.deliver",
            backend_name="default",
            run_after=NOON - timedelta(hours=1),
            worker_ids=["killed"],
        )

    with time_machine.travel(NOON, tick=False):
        killed = running(NOON - timedelta(seconds=901))
        busy = running(NOON - timedelta(seconds=899))
        periodic.requeue_stuck_tasks(NOON)
        killed.refresh_from_db()
        busy.refresh_from_db()
        assert (killed.status, killed.started_at) == ("READY", None)
        assert DBTaskResult.objects.ready().filter(pk=killed.pk).exists()  # a worker takes it
        assert busy.status == "RUNNING"


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_real_worker_finishes_a_killed_workers_batch_sending_each_message_once(smtp_server):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from mentoring_hub.models import OutgoingEmail

    database = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    messages = [
        outbox.build("emails/test_notice", user=make_member(), context={"what": "Panel"})
        for _ in range(3)
    ]
    with override_settings(TASKS=database):
        outbox.queue_batch(messages)  # autocommit: the task is enqueued at once
        # A worker took the task, claimed the first message and was killed.
        now = timezone.now()
        DBTaskResult.objects.update(status="RUNNING", started_at=now - timedelta(hours=1))
        first = OutgoingEmail.objects.order_by("pk").first()
        assert outbox.claim([first.pk]) == [first]
        OutgoingEmail.objects.filter(pk=first.pk).update(lease_until=now - timedelta(seconds=1))
        periodic.requeue_stuck_tasks(now)
        periodic.retry_mail(now)
    assert DBTaskResult.objects.ready().count() == 2  # the task again, and the sweep's
    run_worker(smtp_server)
    rows = OutgoingEmail.objects.order_by("pk")
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == sorted(r.recipient for r in rows)
    assert {row.status for row in rows} == {OutgoingEmail.Status.SENT}
