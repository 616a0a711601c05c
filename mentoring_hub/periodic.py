"""Periodic jobs (reminders, expiries, clean-ups), run by `manage.py run_periodic`.

Cron, a systemd timer or a shell loop calls `run_periodic` every minute on any number
of machines (mail retries and the recovery of killed workers' tasks are due every minute). Each job declares how often it is due; the first machine to claim
the current slot in the database runs it, every other one skips it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mentoring_hub import mail
from mentoring_hub.models import OutgoingEmail, PeriodicRun
from mentoring_hub.redis_cache import REDIS_ERRORS, RedisCache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable


JOBS: dict[str, Job] = {}


def periodic(name, every):
    """Register a function `f(now)` as a periodic job due once per `every`."""

    def register(function):
        JOBS[name] = Job(name, every, function)
        return function

    return register


def slot_of(job, now):
    return int(now.timestamp() // job.every.total_seconds())


def run_due(now=None):
    """Run every job whose current slot nobody has claimed yet; return their names."""
    now = now or timezone.now()
    ran = []
    for job in list(JOBS.values()):
        try:
            # Claim and work share one transaction: a concurrent claimant blocks on the
            # unique index until this commits, then fails and skips; if the job raises,
            # the claim rolls back with its work.
            with transaction.atomic():
                PeriodicRun.objects.create(job=job.name, slot=slot_of(job, now))
                job.run(now)
        except IntegrityError:
            continue
        except Exception:
            log.exception("periodic job %s failed; it will be tried again", job.name)
            continue
        ran.append(job.name)
    return ran


@periodic("clear_expired_sessions", every=timedelta(days=1))
def clear_expired_sessions(now):
    Session.objects.filter(expire_date__lt=now).delete()


@periodic("prune_periodic_runs", every=timedelta(days=1))
def prune_periodic_runs(now):
    PeriodicRun.objects.filter(ran_at__lt=now - timedelta(days=30)).delete()


@periodic("prune_task_results", every=timedelta(days=1))
def prune_task_results(now):
    finished = DBTaskResult.objects.filter(finished_at__lt=now - timedelta(days=14))
    finished.delete()


@periodic("retry_mail", every=timedelta(minutes=1))
def retry_mail(now):
    mail.retry_due(now)


@periodic("requeue_stuck_tasks", every=timedelta(minutes=1))
def requeue_stuck_tasks(now):
    """A task a killed worker left RUNNING is READY again once TASK_LEASE has passed since
    it started, and the next worker takes it. Every task is written to be safe to run
    twice (`deliver` claims each message; rounds check their generation and what exists)."""
    started_before = now - timedelta(seconds=settings.TASK_LEASE)
    stuck = DBTaskResult.objects.running().filter(started_at__lt=started_before)
    stuck.update(status=TaskResultStatus.READY, started_at=None)


@periodic("prune_outgoing_email", every=timedelta(days=1))
def prune_outgoing_email(now):
    """Sent and undeliverable messages go after 14 days (as task results do): until
    then organisers can look one up, or retry an undeliverable one."""
    done = [OutgoingEmail.Status.SENT, OutgoingEmail.Status.UNDELIVERABLE]
    OutgoingEmail.objects.filter(status__in=done, updated_at__lt=now - timedelta(days=14)).delete()


@periodic("heal_redis_cache", every=timedelta(minutes=1))
def heal_redis_cache(now):
    """Delete from Redis the stamps bumped while it was away by processes that have
    exited since (mentoring_hub/redis_cache.py). Nothing to do while it is away."""
    shared = caches["default"]
    if isinstance(shared, RedisCache):
        try:
            shared.heal()
        except REDIS_ERRORS:
            log.info("Redis is still away: its stamps are deleted next time")
