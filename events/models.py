import calendar
import secrets
import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from events import cache as schedule_cache
from events.validators import (
    RESERVED_SLUGS,
    meeting_id_digits,
    validate_meeting_id,
    validate_meeting_id_length,
    validate_not_reserved,
    validate_one_line,
)
from mentoring_hub.fields import URLField
from mentoring_hub.zones import validate_time_zone


def timing_constraints(prefix):
    """A session's (or proposal's) time rules, in the database: a time to be decided
    means no instants; otherwise a start, and an end after it."""
    return [
        models.CheckConstraint(
            condition=(
                Q(time_tbd=True, starts_at__isnull=True, ends_at__isnull=True)
                | Q(time_tbd=False, starts_at__isnull=False)
            ),
            name=f"{prefix}_tbd_has_no_times",
            violation_error_message=_(
                "A session has a start time, or is marked “time to be decided”, not both."
            ),
        ),
        models.CheckConstraint(
            condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
            name=f"{prefix}_ends_after_start",
            violation_error_message=_("A session must end after it starts."),
        ),
    ]


def title_constraint(prefix):
    """A title is one line (validate_one_line says so to people): a line break in it
    broke calendar files and registration."""
    return models.CheckConstraint(
        condition=~Q(title__contains="\n") & ~Q(title__contains="\r"),
        name=f"{prefix}_title_one_line",
        violation_error_message=_("A title is one line: remove the line break."),
    )


def timing_errors(time_tbd, starts_at, ends_at):
    """The same rules as friendly messages, keyed by field, for clean()."""
    errors = {}
    if time_tbd:
        if starts_at or ends_at:
            errors["time_tbd"] = _("Clear the start and end times, or untick “time to be decided”.")
    elif not starts_at:
        errors["starts_at"] = _("Give a start time, or tick “time to be decided”.")
    # As instants: two times in the same zone compare as wall clocks (fold ignored),
    # and a wall clock may be later although the instant is not (around a clock change).
    if starts_at and ends_at and ends_at.astimezone(UTC) <= starts_at.astimezone(UTC):
        errors["ends_at"] = _("A session must end after it starts.")
    return errors


class Campaign(models.Model):
    """A mentoring campaign: National Mentoring Month, National Mentoring Day, ..."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=100, unique=True)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    region = models.CharField(_("region"), max_length=100, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="America/New_York",
        validators=[validate_time_zone],
        help_text=_("New sessions start in this zone."),
    )
    description = models.TextField(_("description"), blank=True)
    is_demo = models.BooleanField(
        _("demo"), default=False, help_text=_("Sample content, labelled as such everywhere.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("A campaign cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        schedule_cache.bump()

    def get_absolute_url(self):
        return f"{reverse('events:agenda')}?campaign={self.slug}"

    def copy_to_year(self, year):
        """A draft copy of the campaign and its sessions in `year`.

        The campaign keeps its dates (1 to 31 January stays 1 to 31 January). Each
        session keeps its weekday and local time (the second Monday stays a Monday):
        it moves by the whole weeks nearest a year, or a week more or less when that
        would take it outside the copy's dates; in a campaign too short for that (a
        single day), it keeps its date instead.
        """
        starts_on = same_date(self.starts_on, year)
        ends_on = same_date(self.ends_on, year + self.ends_on.year - self.starts_on.year)
        shift = timedelta(weeks=round((starts_on - self.starts_on).days / 7))
        week = timedelta(weeks=1)

        def new_day(day):
            if not self.starts_on <= day <= self.ends_on:
                return day + shift  # outside its campaign already: left where it was
            for candidate in (day + shift, day + shift + week, day + shift - week):
                if starts_on <= candidate <= ends_on:
                    return candidate
            return same_date(day, day.year + starts_on.year - self.starts_on.year)

        name = self.name.replace(str(self.starts_on.year), str(year))
        if name == self.name:
            name = f"{self.name} {year}"
        slug = base = slugify(name)[:90]
        n = 2
        while Campaign.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        with transaction.atomic():
            copy = Campaign.objects.create(
                name=name,
                slug=slug,
                theme=self.theme,
                starts_on=starts_on,
                ends_on=ends_on,
                region=self.region,
                time_zone=self.time_zone,
                description=self.description,
                is_demo=self.is_demo,
            )
            for event in self.events.prefetch_related("join_options"):
                moved_by = new_day(event.starts_on) - event.starts_on
                moved = {"campaign": copy, "starts_on": event.starts_on + moved_by}
                if event.starts_at:
                    # Shift the wall-clock time, not the instant: 11:00 stays 11:00 local
                    # even when the copy lands on the other side of a clock change. A
                    # time in a repeated hour keeps its occurrence (time() keeps fold);
                    # one the clocks skip reads as RFC 5545 reads it (2:30 is 3:30).
                    # Kept in UTC: arithmetic and comparisons in one zone are on wall
                    # clocks, which are not instants around a clock change.
                    moved["starts_at"] = local_datetime(
                        event.starts_on + moved_by, event.local_start.time(), event.time_zone
                    ).astimezone(UTC)
                if event.ends_at:
                    end_day = event.local_end.date() + moved_by
                    moved["ends_at"] = local_datetime(
                        end_day, event.local_end.time(), event.time_zone
                    ).astimezone(UTC)
                    if moved["ends_at"] <= moved["starts_at"]:  # the start was skipped
                        moved["ends_at"] = moved["starts_at"] + (event.ends_at - event.starts_at)
                event.duplicate(**moved)
        return copy


def same_date(day, year):
    """The same month and day in `year`; 29 February is 28 February in a common year."""
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return day.replace(year=year, day=28)
    return day.replace(year=year)


class Host(models.Model):
    """An organisation that runs sessions (USAFA, AF Blue Lab, ...)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("address"), max_length=100, unique=True)
    url = URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        schedule_cache.bump()


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def listed(self):
        """What the public sees: published sessions and cancelled ones (marked)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def visible_to(self, user):
        # Organisers preview drafts; everyone else sees published and cancelled sessions.
        if user.has_perm("events.change_event"):
            return self
        return self.listed()

    def upcoming(self, today=None):
        return self.filter(starts_on__gte=today or timezone.localdate())

    def past(self, today=None):
        return self.filter(starts_on__lt=today or timezone.localdate())

    def chronological(self):
        # TBD sessions sit on their date, after that day's timed sessions.
        return self.order_by("starts_on", F("starts_at").asc(nulls_last=True), "title")

    def update(self, **kwargs):
        raise TypeError(
            "Event rows change through Event.save(), which bumps the sequence and tells "
            "caches and feeds; a bulk update() would skip all of that."
        )


# Changes registered people are told about (with join details); a new title or text
# reaches their calendars but sends no email.
NOTICE_FIELDS = ("starts_on", "starts_at", "ends_at", "time_tbd", "time_zone", "status")
# Sent after a saved session's times or status changed (`loaded`: the values as
# loaded) or its join details did (`loaded` is None). events.notices listens (connected
# in EventsConfig.ready()): notices build on ics, which builds on these models.
session_changed = Signal()


def session_paths():
    """slug -> the path of that session's page, as Event.get_absolute_url() gives it,
    with the URL reversed once: for lists and feeds of many sessions, where reversing
    the URL of each one cost more than the rest of their entry."""
    marker = "slug-marker"
    before, _marker, after = reverse("events:detail", args=[marker]).partition(marker)
    return lambda slug: f"{before}{slug}{after}"


class Event(models.Model):
    """A session: a webinar, panel or workshop in a campaign."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Signed-in members")
        ATTENDEES = "attendees", _("Registered attendees")

    # Fields a calendar must learn about: a change to any bumps `sequence`.
    CALENDAR_FIELDS = (
        "starts_on",
        "starts_at",
        "ends_at",
        "time_tbd",
        "time_zone",
        "status",
        "title",
    )

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_uid = models.CharField(
        _("UID in the imported calendar"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by an .ics import, to update the same session on the next import."),
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="events", verbose_name=_("campaign")
    )
    host = models.ForeignKey(
        Host, on_delete=models.PROTECT, related_name="events", verbose_name=_("host")
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_one_line])
    slug = models.SlugField(
        _("address"),
        max_length=100,
        unique=True,
        validators=[validate_not_reserved],
        help_text=_("Part of the session's address; it cannot change once published."),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(
        _("date"), help_text=_("Set from the start time; enter it yourself when the time is TBD.")
    )
    time_tbd = models.BooleanField(_("time to be decided"), default=False)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    join_audience = models.CharField(
        _("who sees join details"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.ATTENDEES,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_for_events",
        verbose_name=_("contact"),
        help_text=_("The member who proposed the session, shown as its contact."),
    )
    loaded_from_schedule = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("What load_schedule last wrote, to tell an organiser's edit from a new file."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "starts_at"]
        indexes = [
            # The agenda, month grid and feeds filter on status and date.
            models.Index(fields=["status", "starts_on"], name="event_status_date"),
            # ... and list in this order (chronological()), so LIMIT reads few rows.
            models.Index(fields=["starts_on", "starts_at", "title"], name="event_agenda_order"),
        ]
        constraints = [
            *timing_constraints("event"),
            title_constraint("event"),
            models.CheckConstraint(
                condition=~Q(slug__in=sorted(RESERVED_SLUGS)),
                name="event_slug_not_reserved",
                violation_error_message=_("That address is reserved for another page."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
                violation_error_message=_("Places must be at least 1, or empty for no limit."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """The one way an event changes. Keeps starts_on in step with the start time,
        bumps `sequence` when a calendar must learn of the change, and bumps the
        schedule's cache version so no cached page or feed shows the old state."""
        if self.starts_at and self.time_zone:
            self.starts_on = self.local_start.date()
        loaded = getattr(self, "_loaded", None)
        if loaded is not None:
            if loaded.get("slug") != self.slug and loaded.get("status") != self.Status.DRAFT:
                raise ValidationError({"slug": _("A published session's address cannot change.")})
            if any(loaded.get(name) != getattr(self, name) for name in self.CALENDAR_FIELDS):
                self.sequence += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "sequence", "updated_at", "starts_on"}
        super().save(*args, **kwargs)
        if loaded is not None and any(
            name in loaded and loaded[name] != getattr(self, name) for name in NOTICE_FIELDS
        ):
            session_changed.send(sender=Event, event=self, loaded=loaded)
        self._loaded = {name: getattr(self, name) for name in (*self.CALENDAR_FIELDS, "slug")}
        schedule_cache.bump()

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.slug])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember what was loaded, so save() can tell what changed.
        instance._loaded = {
            name: getattr(instance, name)
            for name in (*cls.CALENDAR_FIELDS, "slug")
            if name in field_names
        }
        return instance

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.zone) if self.starts_at else None

    @property
    def local_end(self):
        return self.ends_at.astimezone(self.zone) if self.ends_at else None

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def clean(self):
        errors = timing_errors(self.time_tbd, self.starts_at, self.ends_at)
        loaded_slug = getattr(self, "_loaded", {}).get("slug")
        if (
            loaded_slug
            and loaded_slug != self.slug
            and self._loaded.get("status") != self.Status.DRAFT
        ):
            errors["slug"] = _(
                "The address cannot change once the session is published: calendars and "
                "links point to it."
            )
        if errors:
            raise ValidationError(errors)

    def publish(self):
        self.status = self.Status.PUBLISHED
        self.save()

    def cancel(self):
        """Cancel the session: it stays listed, marked, and calendars learn of it."""
        self.status = self.Status.CANCELLED
        self.save()

    def duplicate(self, **changes):
        """A draft copy with the same join options (for a repeat or a similar session)."""
        copy = Event(
            campaign=self.campaign,
            host=self.host,
            title=self.title,
            summary=self.summary,
            description=self.description,
            starts_on=self.starts_on,
            time_tbd=self.time_tbd,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            time_zone=self.time_zone,
            join_audience=self.join_audience,
            capacity=self.capacity,
            contact=self.contact,
            status=self.Status.DRAFT,
        )
        for name, value in changes.items():
            setattr(copy, name, value)
        copy.slug = Event.unique_slug(copy.title, copy.starts_on.year)
        copy.save()
        for option in self.join_options.all():
            option.pk = None
            option.event = copy
            option.save()
        return copy

    def join_details_changed(self):
        """Join options changed: calendars must learn of it (sequence) and caches too."""
        with transaction.atomic():
            Event.objects.filter(pk=self.pk).select_for_update().first()
            self.refresh_from_db(fields=["sequence"])
            self.sequence += 1
            self.save(update_fields=["sequence"])
            session_changed.send(sender=Event, event=self, loaded=None)

    def join_details_visible_to(self, user, registered=None):
        """Whether `user` may see meeting links, IDs and passcodes for this session.

        `registered` may be passed by a caller that already knows whether the user holds
        a confirmed place, to save a query.
        """
        if self.join_audience == self.Audience.PUBLIC:
            return True
        if not user.is_authenticated:
            return False
        if self.join_audience == self.Audience.MEMBERS or registered:
            return True
        if user.has_perm("events.change_event"):
            return True
        if registered is None:
            registered = self.registrations.filter(
                user=user, status=Registration.Status.CONFIRMED
            ).exists()
        return registered

    @staticmethod
    def unique_slug(title, year=None):
        base = slugify(f"{title} {year}" if year else title)[:90] or "session"
        slug, n = base, 2
        while slug in RESERVED_SLUGS or Event.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


class MeetingIdFormField(forms.CharField):
    """Accepts an ID as people paste it ("160 333 4786", "160-333-4786") and keeps digits."""

    def to_python(self, value):
        return meeting_id_digits(super().to_python(value))


class MeetingIdField(models.CharField):
    """Digits, kept without the spaces, dashes or dots they were pasted with, by every
    path that validates (forms, the admin, the schedule loader)."""

    def to_python(self, value):
        value = super().to_python(value)
        return meeting_id_digits(value) if value else value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The length is told in JoinOption.clean(), by platform and in digits; the
        # column's own "at most 12 characters" would repeat it less clearly.
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def formfield(self, **kwargs):
        # No maxlength on the input: a browser cuts a pasted "812 3456 7890" to 12
        # characters without a word, which left another, valid-looking ID.
        return super().formfield(**{"form_class": MeetingIdFormField, "max_length": None, **kwargs})


class JoinOption(models.Model):
    """One way to attend a session: a Zoom webinar, a Facebook Live stream, a room."""

    class Platform(models.TextChoices):
        ZOOM_WEBINAR = "zoom_webinar", _("Zoom webinar")
        ZOOM_MEETING = "zoom_meeting", _("Zoom meeting")
        FACEBOOK_LIVE = "facebook_live", _("Facebook Live")
        TEAMS = "teams", _("Microsoft Teams")
        IN_PERSON = "in_person", _("In person")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="join_options")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    join_url = URLField(_("join link"), max_length=500, blank=True)
    meeting_id = MeetingIdField(
        _("meeting or webinar ID"), max_length=12, blank=True, validators=[validate_meeting_id]
    )
    passcode = models.CharField(_("passcode"), max_length=50, blank=True)
    place = models.CharField(
        _("place"),
        max_length=300,
        blank=True,
        help_text=_("Address or room, for in-person sessions."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting_id="") | Q(meeting_id__regex=r"^[0-9]{9,12}$"),
                name="joinoption_meeting_id_digits",
                violation_error_message=_("A meeting or webinar ID is 9 to 12 digits."),
            ),
        ]

    def __str__(self):
        return self.get_platform_display()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.event.join_details_changed()

    def delete(self, *args, **kwargs):
        event = self.event
        result = super().delete(*args, **kwargs)
        event.join_details_changed()
        return result

    @property
    def meeting_id_display(self):
        """The ID grouped as Zoom shows it: 160 333 4786 (3-3-4; 3-4-4 for 11 digits)."""
        digits = self.meeting_id
        if len(digits) == 10:
            return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
        if len(digits) == 11:
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        return " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))

    @property
    def has_details(self):
        return bool(self.join_url or self.meeting_id or self.passcode)

    def clean(self):
        errors = {}
        if self.platform == self.Platform.IN_PERSON and not self.place:
            errors["place"] = _("Say where an in-person session takes place.")
        if self.meeting_id and self.meeting_id.isdigit():  # else the field says so
            try:
                validate_meeting_id_length(self.meeting_id, self.platform)
            except ValidationError as exc:
                errors["meeting_id"] = exc
        if errors:
            raise ValidationError(errors)


class Registration(models.Model):
    """A member's place at a session (or in its waiting list)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    queued_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_once_per_event"),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"], name="registration_queue")]

    def __str__(self):
        return f"{self.user} → {self.event}"


class Proposal(models.Model):
    """A member's proposed session (a school's or company's own Mentoring Day event),
    reviewed by organisers before anything is published."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposals"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("campaign")
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        help_text=_("Who runs it: your school, company or group."),
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_one_line])
    description = models.TextField(_("description"), max_length=5000)
    starts_on = models.DateField(_("date"))
    time_tbd = models.BooleanField(_("time to be decided"), default=False)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    platform = models.CharField(_("platform"), max_length=20, choices=JoinOption.Platform.choices)
    join_url = URLField(_("join link"), max_length=500, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    organiser_note = models.TextField(_("note from the organisers"), blank=True)
    event = models.OneToOneField(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [*timing_constraints("proposal"), title_constraint("proposal")]

    def __str__(self):
        return self.title

    def clean(self):
        errors = timing_errors(self.time_tbd, self.starts_at, self.ends_at)
        if self.platform == JoinOption.Platform.IN_PERSON and not self.place:
            errors["place"] = _("Say where an in-person session takes place.")
        if (
            self.campaign_id
            and self.starts_on
            and not (self.campaign.starts_on <= self.starts_on <= self.campaign.ends_on)
        ):
            errors["starts_on"] = _("Choose a date within the campaign (%(start)s to %(end)s).") % {
                "start": self.campaign.starts_on,
                "end": self.campaign.ends_on,
            }
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self):
        """Whether the proposer may still edit it."""
        return self.state in (self.State.SUBMITTED, self.State.CHANGES_REQUESTED)


def new_feed_token():
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret in the address of a person's own calendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user}'s feed"

    def get_absolute_url(self):
        return reverse("events:personal_feed", args=[self.token])

    @classmethod
    def for_user(cls, user):
        return cls.objects.get_or_create(user=user)[0]

    def regenerate(self):
        """A new address; the old one stops working at once."""
        self.token = new_feed_token()
        self.save(update_fields=["token", "created_at"])


def local_datetime(day, clock, zone_name):
    """An aware datetime for a wall-clock time on a day in a zone (the seed's "1100 EST")."""
    return datetime.combine(day, clock, tzinfo=zoneinfo.ZoneInfo(zone_name))


class AnnouncedState(models.Model):
    """What registered people were last told about a session (its times, status and
    join details): change notices say what differs from this."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="announced"
    )
    state = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Announced state of {self.event}"


# At module level so Meta's constraint can name it; the model keeps it as `Status`.
class ChangeNoticeStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("nothing left to tell")


class ChangeNotice(models.Model):
    """A change registered people must hear about. Quick edits in a row gather in the
    one pending notice of a session, sent when due with the net change."""

    Status = ChangeNoticeStatus

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="change_notices")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    before = models.JSONField()
    after = models.JSONField(null=True, blank=True)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change notice")
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(status=ChangeNoticeStatus.PENDING),
                name="notice_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.event}: {self.get_status_display()}"


class NoticeDelivery(models.Model):
    """One person told of one change: the database says each is told once."""

    notice = models.ForeignKey(ChangeNotice, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.BooleanField(default=False)  # waits for the daily digest
    summary = models.TextField(blank=True)  # what the digest says
    digested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_once_per_person"),
        ]
        indexes = [models.Index(fields=["digest", "digested_at"], name="notice_digest_queue")]

    def __str__(self):
        return f"{self.notice} to {self.user_id}"


class ReminderSent(models.Model):
    """A reminder sent before a session: once per person and kind, whatever retries or
    concurrent runs happen."""

    class Kind(models.TextChoices):
        DAY = "24h", _("a day before")
        HOUR = "1h", _("an hour before")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user", "kind"], name="reminder_once"),
        ]

    def __str__(self):
        return f"{self.kind} reminder of {self.event} to {self.user_id}"
