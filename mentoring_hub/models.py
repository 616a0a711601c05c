from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """One periodic job's run for one time slot; the unique pair is the claim.

    `run_periodic` inserts this row and runs the job in the same transaction, so a
    second machine (or a second cron firing) running at the same moment waits for the
    first, finds the row and skips the job; a job that fails rolls its claim back and
    is tried again next time.
    """

    job = models.CharField(max_length=100)
    slot = models.BigIntegerField(
        help_text=_("Seconds since the epoch, divided by the job's period.")
    )
    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="periodicrun_once_per_slot"),
        ]
        ordering = ["-ran_at"]

    def __str__(self):
        return f"{self.job} #{self.slot}"
