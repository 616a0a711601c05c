"""What the community shares: thank-you notes, stories and tips, Mentor of the Month
(nominations and awards) and the guides organisers write.

These models began in the `mentors` app and moved here without touching the database:
each keeps its table (`db_table = "mentors_..."`) and its rows (migrations 0001 here
and `mentors` 0010).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring_hub.markup import render
from mentors.models import NOTE_MAX, Profile


class ModeratedQuerySet(models.QuerySet):
    def approved(self):
        """What an organiser approved for public pages."""
        return self.filter(status=self.model.Status.APPROVED)


class Moderated(models.Model):
    """Something members offer for public pages: nothing shows before an organiser
    approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an organiser")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("not published")

    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class ThankYou(Moderated):
    """A thank-you to a mentor: private (only the mentor reads it) unless the author
    offers it for the public wall, where it shows once an organiser approves it."""

    class Status(models.TextChoices):
        PRIVATE = "private", _("private: for the mentor only")
        PENDING = "pending", _("waiting for an organiser")
        APPROVED = "approved", _("on the wall")
        REJECTED = "rejected", _("not published")

    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PRIVATE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="thanks_given"
    )
    author_name = models.CharField(_("signed"), max_length=80)
    mentor = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.CASCADE, related_name="thanks"
    )
    mentor_name = models.CharField(
        _("your mentor's name"),
        max_length=100,
        blank=True,
        help_text=_("For a mentor who is not on this site."),
    )
    message = models.TextField(_("your thank-you"), validators=[MaxLengthValidator(NOTE_MAX)])

    class Meta(Moderated.Meta):
        db_table = "mentors_thankyou"
        verbose_name = _("thank-you note")
        constraints = [
            models.CheckConstraint(
                condition=Q(mentor__isnull=False) | ~Q(mentor_name=""), name="thanks_to_someone"
            ),
        ]

    def __str__(self):
        return f"{self.author_name} → {self.mentor or self.mentor_name}"

    def shown_name(self):
        """The mentor's name as the public wall may show it: a member only if their
        profile is public."""
        if self.mentor_id is None:
            return self.mentor_name
        if self.mentor.visibility == Profile.Visibility.PUBLIC:
            return self.mentor.display_name
        return str(_("a mentor on this site"))


class Story(Moderated):
    class Kind(models.TextChoices):
        STORY = "story", _("a success story")
        TIP = "tip", _("a tip")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="stories"
    )
    author_name = models.CharField(_("signed"), max_length=80)
    kind = models.CharField(_("what it is"), max_length=5, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("your story"), validators=[MaxLengthValidator(3000)])
    campaign = models.ForeignKey(
        "events.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="stories"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Moderated.Meta):
        db_table = "mentors_story"
        verbose_name = _("story or tip")
        verbose_name_plural = _("stories and tips")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("mentors:story", args=[self.pk])


class Nomination(models.Model):
    """A member nominates a mentor for Mentor of the Month, with a reason."""

    nominator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="nominations")
    month = models.DateField(_("for the month of"))
    reason = models.TextField(_("why"), validators=[MaxLengthValidator(NOTE_MAX)])
    shortlisted = models.BooleanField(_("shortlisted"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "mentors_nomination"
        ordering = ["-month", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["nominator", "mentor", "month"],
                name="nomination_once_a_month",
                violation_error_message=_("You already nominated this mentor this month."),
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="nomination_month_first"),
        ]

    def __str__(self):
        return f"{self.mentor} for {self.month:%B %Y}"


class MentorOfTheMonth(models.Model):
    """The mentor organisers picked for a month. Only a public profile can be shown."""

    month = models.DateField(_("month"), unique=True)
    mentor = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="awards")
    citation = models.TextField(_("why"), validators=[MaxLengthValidator(NOTE_MAX)])
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "mentors_mentorofthemonth"
        ordering = ["-month"]
        verbose_name = _("Mentor of the Month")
        verbose_name_plural = _("Mentors of the Month")
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="motm_month_first"),
        ]

    def __str__(self):
        return f"{self.mentor} ({self.month:%B %Y})"

    def get_absolute_url(self):
        return reverse(
            "mentors:mentor_of_the_month_detail", args=[self.month.year, self.month.month]
        )

    def clean(self):
        super().clean()
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
        if self.mentor_id and not (
            self.mentor.is_mentor
            and self.mentor.visibility == Profile.Visibility.PUBLIC
            and self.mentor.user.is_active
        ):
            raise ValidationError(
                {"mentor": _("Only a mentor whose profile is public can be shown publicly.")}
            )


class Guide(models.Model):
    """A page organisers write in Markdown; stored with its sanitised HTML."""

    slug = models.SlugField(_("address"), unique=True)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text (Markdown)"), validators=[MaxLengthValidator(50_000)])
    html = models.TextField(editable=False, blank=True)
    published = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "mentors_guide"
        ordering = ["position", "title"]
        verbose_name = _("guide")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.html = render(self.body)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("mentors:guide", args=[self.slug])
