from django.db import models
from django.db.models import Q
from django.utils import timezone
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


class OutgoingEmailStatus(models.TextChoices):
    """Where a message is (module level, so the model's constraints can name them)."""

    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    UNDELIVERABLE = "undeliverable", _("undeliverable")


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, now):
        """Queued messages whose next attempt has come."""
        return self.filter(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now)

    def abandoned(self, now):
        """Messages a worker claimed and stopped sending (killed): their lease is over."""
        return self.filter(status=OutgoingEmail.Status.SENDING, lease_until__lt=now)

    def claimable(self, now):
        return self.due(now) | self.abandoned(now)


class OutgoingEmail(models.Model):
    """One email on its way: the outbox `mentoring_hub.mail` queues and delivers.

    The row is written in the transaction that decided to send (a rollback discards it),
    then claimed by one delivery task at a time (`lease_until`), and marked sent as soon
    as the mail server accepts it. `payload` (subject, bodies, headers, attachments) is
    kept only while the message may still be sent: it is emptied once sent. Organisers
    see the envelope (recipient, kind, status, the server's last reply), never the
    payload: subjects name people.
    """

    Status = OutgoingEmailStatus

    recipient = models.EmailField(_("recipient"))
    kind = models.CharField(
        _("kind"), max_length=100, help_text=_("Which email: its template, or allauth's.")
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_reply = models.CharField(_("last reply"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OutgoingEmailStatus.values),
                name="outgoingemail_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=OutgoingEmailStatus.SENDING) | Q(lease_until__isnull=False),
                name="outgoingemail_sending_has_lease",
            ),
            models.CheckConstraint(
                condition=~Q(status=OutgoingEmailStatus.SENT) | Q(sent_at__isnull=False),
                name="outgoingemail_sent_has_time",
            ),
        ]
        indexes = [
            # The `retry_mail` periodic job's two questions: what is due, what was
            # abandoned. Partial, so the many sent rows are not in them.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=OutgoingEmailStatus.QUEUED),
                name="outgoingemail_due_idx",
            ),
            models.Index(
                fields=["lease_until"],
                condition=Q(status=OutgoingEmailStatus.SENDING),
                name="outgoingemail_lease_idx",
            ),
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient} ({self.status})"
