import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from mentoring_hub.zones import validate_time_zone
from mentors import sensitive
from mentors.matching import Weights

MAX_CAPACITY = 10
BIO_MAX = 2000
NOTE_MAX = 1000


def current_utc_offset(zone_name, when=None):
    """Minutes east of UTC in `zone_name` at `when` (now), 0 for an unknown zone."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0
    offset = (when or timezone.now()).astimezone(zone).utcoffset()
    return int(offset.total_seconds() // 60)


class NamedList(models.Model):
    """A managed list organisers edit in the admin (career fields, organisations, topics)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(
        _("offered"), default=True, help_text=_("Retired entries stay on profiles that use them.")
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class CareerField(NamedList):
    class Meta(NamedList.Meta):
        verbose_name = _("career field")


class Organisation(NamedList):
    class Meta(NamedList.Meta):
        verbose_name = _("organisation")


class Topic(NamedList):
    """One shared taxonomy: mentors' expertise and mentees' goals are both topics."""

    class Meta(NamedList.Meta):
        verbose_name = _("topic")


class Language(models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, help_text=_("BCP 47, e.g. es"))
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")

    def __str__(self):
        return self.name


class ProfileRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")
    BOTH = "both", _("Both: I mentor and I am looking for a mentor")


class ProfileVisibility(models.TextChoices):
    MEMBERS = "members", _("Signed-in members only")
    PUBLIC = "public", _("Anyone, including people who are not signed in")
    HIDDEN = "hidden", _("Hidden: nobody can find or open my profile")


class ProfileQuerySet(models.QuerySet):
    def visible_to(self, viewer):
        """Profiles `viewer` may find and open: public ones for everyone, members-only
        ones for signed-in members, never hidden ones (except your own), and never
        across a block in either direction."""
        if viewer is None or not viewer.is_authenticated:
            return self.filter(visibility=Profile.Visibility.PUBLIC, user__is_active=True)
        return (
            self.filter(
                Q(visibility__in=[Profile.Visibility.PUBLIC, Profile.Visibility.MEMBERS])
                | Q(user=viewer),
                user__is_active=True,
            )
            .exclude(user__blocks_made__blocked=viewer)
            .exclude(user__blocked_by__blocker=viewer)
        )

    def mentors(self):
        return self.filter(role__in=[Profile.Role.MENTOR, Profile.Role.BOTH])

    def accepting(self):
        return self.mentors().filter(accepting_mentees=True)

    def mentees(self):
        return self.filter(role__in=[Profile.Role.MENTEE, Profile.Role.BOTH])

    def of(self, user):
        """The signed-in member's own profile, or None."""
        if user is None or not user.is_authenticated:
            return None
        return self.filter(user=user).first()


class Profile(models.Model):
    Role = ProfileRole
    Visibility = ProfileVisibility

    class Experience(models.IntegerChoices):
        STUDENT = 1, _("Student or trainee")
        EARLY = 2, _("Early career (up to 5 years)")
        MID = 3, _("Mid career (5 to 15 years)")
        SENIOR = 4, _("Senior (15 years or more)")
        EXECUTIVE = 5, _("Executive or senior leader")

    class Format(models.TextChoices):
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone")
        IN_PERSON = "in_person", _("In person")
        CHAT = "chat", _("Chat")

    class Availability(models.TextChoices):
        WEEKDAY_MORNINGS = "weekday_mornings", _("Weekday mornings")
        WEEKDAY_LUNCHTIMES = "weekday_lunchtimes", _("Weekday lunchtimes")
        WEEKDAY_EVENINGS = "weekday_evenings", _("Weekday evenings")
        WEEKENDS = "weekends", _("Weekends")

    class MustMatch(models.TextChoices):
        TOPICS = "topics", _("At least one of my goals")
        CAREER_FIELD = "career_field", _("My career field")
        EXPERIENCE = "experience", _("More experience than me")
        LANGUAGE = "language", _("A language I speak")
        FORMAT = "format", _("A way I can meet")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("I want to take part as"), max_length=10, choices=Role.choices)
    display_name = models.CharField(
        _("display name"), max_length=80, help_text=_("How other members see you.")
    )
    headline = models.CharField(
        _("headline"),
        max_length=120,
        blank=True,
        help_text=_("One line, e.g. “Logistics officer, 12 years; mentoring since 2019”."),
    )
    bio = models.TextField(_("about you"), blank=True, validators=[MaxLengthValidator(BIO_MAX)])
    career_field = models.ForeignKey(
        CareerField,
        verbose_name=_("career field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
    )
    career_field_other = models.CharField(_("other career field"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
    )
    organisation_other = models.CharField(_("other organisation"), max_length=100, blank=True)
    experience = models.PositiveSmallIntegerField(
        _("experience"), choices=Experience.choices, null=True, blank=True
    )
    expertise = models.ManyToManyField(
        Topic, verbose_name=_("I can help with"), blank=True, related_name="experts"
    )
    goals = models.ManyToManyField(
        Topic, verbose_name=_("I want help with"), blank=True, related_name="seekers"
    )
    languages = models.ManyToManyField(
        Language, verbose_name=_("languages"), blank=True, related_name="speakers"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )
    meets_video = models.BooleanField(_("video call"), default=True)
    meets_phone = models.BooleanField(_("phone"), default=False)
    meets_in_person = models.BooleanField(_("in person"), default=False)
    meets_chat = models.BooleanField(_("chat"), default=False)
    availability = models.JSONField(_("usually available"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("mentees at once"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    accepting_mentees = models.BooleanField(_("accepting new mentees"), default=True)
    # Contact details: shown only to the people in a mentorship with this person.
    share_email = models.BooleanField(
        _("show my email address to my mentors and mentees"), default=False
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_note = models.CharField(
        _("other ways to reach me"),
        max_length=200,
        blank=True,
        help_text=_("For example a Teams or Signal name. Only your mentors and mentees see it."),
    )
    visibility = models.CharField(
        _("who can see my profile"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
    )
    must_match = models.JSONField(
        _("my mentor must match on"),
        default=list,
        blank=True,
        help_text=_("Mentees: suggestions leave out mentors who do not match on these."),
    )
    # Minutes east of UTC now, kept from time_zone on save and refreshed daily (DST).
    utc_offset = models.SmallIntegerField(default=0, editable=False)
    photo = models.FileField(_("photo"), upload_to="photos/", blank=True, editable=False)
    photo_small = models.FileField(upload_to="photos/", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    FORMAT_FIELDS = {
        Format.VIDEO: "meets_video",
        Format.PHONE: "meets_phone",
        Format.IN_PERSON: "meets_in_person",
        Format.CHAT: "meets_chat",
    }

    class Meta:
        ordering = ["display_name", "pk"]
        verbose_name = _("profile")
        indexes = [
            # The directory: mentors taking mentees, in name order, a page at a time.
            models.Index(
                fields=["display_name", "id"],
                condition=Q(
                    accepting_mentees=True, role__in=[ProfileRole.MENTOR, ProfileRole.BOTH]
                ),
                name="profile_directory",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=ProfileRole.values), name="profile_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=ProfileVisibility.values),
                name="profile_visibility_valid",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="profile_capacity_in_range",
            ),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.utc_offset = current_utc_offset(self.time_zone)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "utc_offset"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("mentors:profile", args=[self.pk])

    @property
    def is_mentor(self):
        return self.role in (self.Role.MENTOR, self.Role.BOTH)

    @property
    def is_mentee(self):
        return self.role in (self.Role.MENTEE, self.Role.BOTH)

    @property
    def formats(self):
        return [fmt for fmt, field in self.FORMAT_FIELDS.items() if getattr(self, field)]

    def get_formats_display(self):
        return [fmt.label for fmt in self.formats]

    def get_availability_display(self):
        labels = dict(self.Availability.choices)
        return [labels[code] for code in self.availability if code in labels]

    @property
    def career_field_name(self):
        return self.career_field.name if self.career_field_id else self.career_field_other

    @property
    def organisation_name(self):
        return self.organisation.name if self.organisation_id else self.organisation_other

    def clean(self):
        unknown = set(self.availability or []) - set(self.Availability.values)
        if unknown or not isinstance(self.availability, list):
            raise ValidationError({"availability": _("Choose times from the list.")})
        if not isinstance(self.must_match, list) or set(self.must_match) - set(
            self.MustMatch.values
        ):
            raise ValidationError({"must_match": _("Choose from the list.")})

    def delete_photo_files(self):
        for field in (self.photo, self.photo_small):
            if field:
                field.storage.delete(field.name)

    def set_photo(self, files):
        """Store the pipeline's {400: file, 96: file} and remove the previous files."""
        old = [f.name for f in (self.photo, self.photo_small) if f]
        self.photo.save(files[400].name, files[400], save=False)
        self.photo_small.save(files[96].name, files[96], save=False)
        self.save(update_fields=["photo", "photo_small", "updated_at"])
        storage = self.photo.storage
        for name in old:
            storage.delete(name)

    def remove_photo(self):
        self.delete_photo_files()
        self.photo = self.photo_small = ""
        self.save(update_fields=["photo", "photo_small", "updated_at"])

    # -- Special-category attributes: read only through these --------------------

    @cached_property
    def sensitive_by_kind(self):
        return {attr.kind: attr for attr in self.sensitive_attributes.all()}

    def shown_sensitive(self, viewer):
        """[(kind label, value label)] the owner chose to show, for a signed-in member."""
        if viewer is None or not viewer.is_authenticated:
            return []
        return [
            (sensitive.Kind(attr.kind).label, sensitive.label(attr.kind, attr.value))
            for attr in self.sensitive_by_kind.values()
            if attr.use == sensitive.Use.SHOWN
        ]

    def set_sensitive(self, kind, value, use, when=None):
        """Apply the owner's choice for one attribute and record it if it changed.
        "Not used" stores nothing: the value is deleted, not merely hidden."""
        when = when or timezone.now()
        current = self.sensitive_by_kind.get(kind)
        current_use = current.use if current else sensitive.Use.NOT_USED
        if use == sensitive.Use.NOT_USED:
            if current:
                current.delete()
        elif current:
            if (current.value, current.use) != (value, use):
                current.value, current.use = value, use
                current.consented_at = when
                current.save(update_fields=["value", "use", "consented_at"])
        else:
            SensitiveAttribute.objects.create(
                profile=self, kind=kind, value=value, use=use, consented_at=when
            )
        if use != current_use:
            ConsentRecord.objects.create(user=self.user, kind=kind, use=use, recorded_at=when)
        self.__dict__.pop("sensitive_by_kind", None)


def weight(label, default):
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=1,
        default=default,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class MatchingSettings(models.Model):
    """The organisers' weights for matching: one row, edited in the admin."""

    topics = weight(_("each shared goal (up to 3)"), 3)
    career_field = weight(_("same career field"), 2)
    experience = weight(_("mentor more experienced"), 1.5)
    language = weight(_("a shared language"), 1)
    format = weight(_("a shared way to meet"), 1)
    time_zone = weight(_("same time zone (less as they are further apart)"), 1)
    max_hours_apart = models.PositiveSmallIntegerField(
        _("never propose pairs more than this many hours apart"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(12)],
        help_text=_("Leave empty for no limit."),
    )

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="matchingsettings_single_row"),
        ]

    def __str__(self):
        return str(_("Matching settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        return cls.objects.get_or_create(pk=1)[0]

    def weights(self):
        return Weights(
            topics=float(self.topics),
            career_field=float(self.career_field),
            experience=float(self.experience),
            language=float(self.language),
            format=float(self.format),
            time_zone=float(self.time_zone),
            max_hours_apart=self.max_hours_apart,
        )


class SensitiveAttribute(models.Model):
    """One special-category attribute its owner chose to use. Never registered in the
    admin, never serialised except into the owner's own data export."""

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="sensitive_attributes"
    )
    kind = models.CharField(max_length=20, choices=sensitive.Kind.choices)
    value = models.CharField(max_length=40)
    use = models.CharField(
        max_length=10,
        choices=[(u.value, u.label) for u in sensitive.Use if u != sensitive.Use.NOT_USED],
    )
    consented_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind"], name="sensitive_once_per_kind"),
            models.CheckConstraint(
                condition=Q(use__in=[sensitive.Use.SEARCH, sensitive.Use.SHOWN]),
                name="sensitive_use_consented",
            ),
        ]

    def __str__(self):
        return f"{sensitive.Kind(self.kind).label} #{self.pk}"

    def clean(self):
        if self.value not in dict(sensitive.choices(self.kind)):
            raise ValidationError({"value": _("Choose from the list.")})


class ConsentRecord(models.Model):
    """Append-only: each choice a person made for a sensitive attribute, with its date.
    Records the choice, never the value."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_records"
    )
    kind = models.CharField(max_length=20, choices=sensitive.Kind.choices)
    use = models.CharField(max_length=10, choices=sensitive.Use.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_use_display()}"


# Statuses named in constraints live at module level: Meta cannot see names in
# its model's body. Each model keeps its own as `Status` (Report.Status).
class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIONED = "actioned", _("Action taken")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    class Reason(models.TextChoices):
        HARASSMENT = "harassment", _("Harassment or abuse")
        INAPPROPRIATE = "inappropriate", _("Inappropriate photo or text")
        IMPERSONATION = "impersonation", _("Pretending to be someone else")
        SPAM = "spam", _("Spam or advertising")
        OTHER = "other", _("Something else")

    Status = ReportStatus

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reports_made",
        verbose_name=_("reported by"),
    )
    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="reports", verbose_name=_("profile")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(
        _("what happened"), blank=True, validators=[MaxLengthValidator(NOTE_MAX)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    organiser_note = models.TextField(_("organiser's note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "profile"],
                condition=Q(status=ReportStatus.OPEN),
                name="report_one_open_per_reporter",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.profile}"


class BlockQuerySet(models.QuerySet):
    def between(self, a, b):
        """Blocks either way between users `a` and `b` (users or user ids)."""
        return self.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a))


class Block(models.Model):
    """`blocker` no longer wants contact with `blocked`: neither finds the other, and
    `blocked` cannot request or message `blocker`."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BlockQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.blocker_id} ✕ {self.blocked_id}"

    @staticmethod
    def involving(path, user_id):
        """Q: the user at `path` blocked `user_id` or was blocked by them."""
        return Q(**{f"{path}__blocks_made__blocked": user_id}) | Q(
            **{f"{path}__blocked_by__blocker": user_id}
        )


class MatchingRoundStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to start")
    RUNNING = "running", _("computing")
    READY = "ready", _("ready to review")
    FAILED = "failed", _("failed")
    PUBLISHED = "published", _("published")


class MatchingRound(models.Model):
    """An organiser's bulk matching of a cohort: computed in the background, reviewed
    beside the best-first result, adjusted with pins and drops, published on purpose."""

    Status = MatchingRoundStatus

    name = models.CharField(_("name"), max_length=120)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("only mentees from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Leave empty for every mentee waiting for a mentor."),
    )
    career_field = models.ForeignKey(
        CareerField,
        verbose_name=_("only mentees in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    phase = models.CharField(_("step"), max_length=120, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    # Bumped each time a computation is requested; a run stores its result only if
    # no newer one was asked for meanwhile.
    generation = models.PositiveIntegerField(default=0, editable=False)
    summary = models.JSONField(default=dict, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(_("what publishing did"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("matching round")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="round_progress_range"),
            models.CheckConstraint(
                condition=Q(status=MatchingRoundStatus.PUBLISHED, published_at__isnull=False)
                | ~Q(status=MatchingRoundStatus.PUBLISHED),
                name="round_published_has_date",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def busy(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class RoundPair(models.Model):
    """One pair a round proposes (the optimum, after pins and drops)."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    reasons = models.TextField(_("why"), blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("proposed pair")
        constraints = [
            models.UniqueConstraint(fields=["round", "mentee"], name="roundpair_one_per_mentee"),
        ]

    def __str__(self):
        return f"{self.mentee} → {self.mentor}"


class RoundRuleKind(models.TextChoices):
    PIN = "pin", _("pin: always pair them")
    DROP = "drop", _("drop: never pair them")


class RoundRule(models.Model):
    """An organiser's pin (this pair, whatever the scores say) or drop (never this pair)."""

    Kind = RoundRuleKind

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("rule"), max_length=4, choices=Kind.choices)
    mentee = models.ForeignKey(
        Profile, verbose_name=_("mentee"), on_delete=models.CASCADE, related_name="+"
    )
    mentor = models.ForeignKey(
        Profile, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pin or drop")
        verbose_name_plural = _("pins and drops")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "mentee", "mentor"], name="roundrule_once_per_pair"
            ),
            models.UniqueConstraint(
                fields=["round", "mentee"],
                condition=Q(kind=RoundRuleKind.PIN),
                name="roundrule_one_pin_per_mentee",
                violation_error_message=_("A mentee can be pinned to one mentor only."),
            ),
            models.CheckConstraint(
                condition=~Q(mentee=models.F("mentor")),
                name="roundrule_not_self",
                violation_error_message=_("Nobody can mentor themselves."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RoundRuleKind.values), name="roundrule_kind"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.mentee} → {self.mentor}"

    def clean(self):
        super().clean()
        if self.kind != self.Kind.PIN or not (self.mentee_id and self.mentor_id):
            return
        errors = {}
        if self.mentee.role not in (Profile.Role.MENTEE, Profile.Role.BOTH):
            errors["mentee"] = _("%(name)s is not looking for a mentor.")
        if self.mentor.role not in (Profile.Role.MENTOR, Profile.Role.BOTH):
            errors["mentor"] = _("%(name)s has not offered to mentor.")
        for field, message in list(errors.items()):
            errors[field] = message % {"name": getattr(self, field).display_name}
        if Block.objects.between(self.mentee.user_id, self.mentor.user_id).exists():
            errors["mentor"] = _("One of these two has blocked the other: they cannot be paired.")
        if errors:
            raise ValidationError(errors)
