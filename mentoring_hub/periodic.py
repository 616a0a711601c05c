"""Periodic jobs (reminders, expiries, clean-ups), run by `manage.py run_periodic`.

Cron, a systemd timer or a shell loop calls `run_periodic` every few minutes on any
number of machines. Each job declares how often it is due; the first machine to claim
the current slot in the database runs it, every other one skips it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring_hub.models import PeriodicRun

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
    from django.contrib.sessions.models import Session

    Session.objects.filter(expire_date__lt=now).delete()


@periodic("prune_periodic_runs", every=timedelta(days=1))
def prune_periodic_runs(now):
    PeriodicRun.objects.filter(ran_at__lt=now - timedelta(days=30)).delete()


@periodic("prune_task_results", every=timedelta(days=1))
def prune_task_results(now):
    from django_tasks_db.models import DBTaskResult

    finished = DBTaskResult.objects.filter(finished_at__lt=now - timedelta(days=14))
    finished.delete()
