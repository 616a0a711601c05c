"""Mentoring relationships: requests, mentorships and what a pair does in one
(messages, agreement, goals, meetings, check-ins, fit, close-out), waiting lists, and
mentoring and accountability groups with their memberships and meetings.

These models began in the `mentors` app and moved here without touching the database:
each keeps its table (`db_table = "mentors_..."`), its rows, its constraint names and
its calendar UIDs (migrations 0001 here and `mentors` 0010).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring_hub.zones import validate_time_zone
from mentors.models import BIO_MAX, NOTE_MAX, MatchingRound, Profile, Topic


class PairQuerySet(models.QuerySet):
    def involving(self, profile):
        """Rows in which `profile` is the mentor or the mentee."""
        return self.filter(Q(mentor=profile) | Q(mentee=profile))


class MentorshipRequestQuerySet(PairQuerySet):
    def pending(self):
        """Requests still waiting for an answer."""
        return self.filter(status=MentorshipRequest.Status.PENDING)


class MentorshipRequestStatus(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")
    EXPIRED = "expired", _("expired")


class MentorshipRequest(models.Model):
    """A mentee asks a mentor; the mentor accepts or declines, the mentee may withdraw,
    and an unanswered request expires."""

    Status = MentorshipRequestStatus

    mentee = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="requests_made")
    mentor = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="requests_received")
    message = models.TextField(
        _("your message"),
        validators=[MaxLengthValidator(NOTE_MAX)],
        help_text=_("Say what you hope to work on together."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    response_note = models.TextField(
        _("note"), blank=True, validators=[MaxLengthValidator(NOTE_MAX)]
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = MentorshipRequestQuerySet.as_manager()

    class Meta:
        db_table = "mentors_mentorshiprequest"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mentoring request")
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status=MentorshipRequestStatus.PENDING),
                name="request_one_pending_per_pair",
                violation_error_message=_("You already asked this mentor."),
            ),
            models.CheckConstraint(
                condition=~Q(mentee=models.F("mentor")), name="request_not_self"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MentorshipRequestStatus.values),
                name="request_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.mentee} → {self.mentor} ({self.get_status_display()})"


class MentorshipQuerySet(PairQuerySet):
    def active(self):
        """Mentorships that have not ended."""
        return self.filter(status=Mentorship.Status.ACTIVE)


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")


class Mentorship(models.Model):
    """A mentor and a mentee working together, from a request or a published round."""

    Status = MentorshipStatus

    class Origin(models.TextChoices):
        REQUEST = "request", _("request")
        ROUND = "round", _("matching round")

    class EndReason(models.TextChoices):
        COMPLETED = "completed", _("we reached our goals / the agreed end")
        NOT_A_FIT = "not_a_fit", _("not a good fit")
        NO_TIME = "no_time", _("no time any more")
        BLOCKED = "blocked", _("one of us blocked the other")
        OTHER = "other", _("another reason")

    mentor = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="mentorships")
    mentee = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    origin = models.CharField(_("started from"), max_length=10, choices=Origin.choices)
    request = models.OneToOneField(
        MentorshipRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    round = models.ForeignKey(
        MatchingRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=10, choices=EndReason.choices, blank=True
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        db_table = "mentors_mentorship"
        ordering = ["-started_at", "-pk"]
        verbose_name = _("mentorship")
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status=MentorshipStatus.ACTIVE),
                name="mentorship_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(mentee=models.F("mentor")), name="mentorship_not_self"
            ),
            models.CheckConstraint(
                condition=Q(status=MentorshipStatus.ACTIVE, ended_at__isnull=True)
                | Q(status=MentorshipStatus.ENDED, ended_at__isnull=False),
                name="mentorship_ended_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.mentor} mentoring {self.mentee}"

    def get_absolute_url(self):
        return reverse("mentors:mentorship", args=[self.pk])

    def other(self, profile):
        return self.mentee if profile.pk == self.mentor_id else self.mentor


class WaitingListEntry(models.Model):
    """A mentee waiting for a place with one mentor, or (mentor empty) for the next
    bulk matching round."""

    mentee = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="waiting")
    mentor = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.CASCADE, related_name="waiting_list"
    )
    created_at = models.DateTimeField(default=timezone.now)
    told_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When we told them a place had opened.")
    )

    class Meta:
        db_table = "mentors_waitinglistentry"
        ordering = ["created_at", "pk"]
        verbose_name = _("waiting-list place")
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(mentor__isnull=False),
                name="waiting_once_per_mentor",
            ),
            models.UniqueConstraint(
                fields=["mentee"], condition=Q(mentor__isnull=True), name="waiting_once_for_rounds"
            ),
            models.CheckConstraint(
                condition=~Q(mentee=models.F("mentor")), name="waiting_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.mentee} waiting for {self.mentor or _('the next round')}"


MESSAGE_MAX = 2000


class Message(models.Model):
    """A message between the two people of a mentorship. Only they read it."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"), validators=[MaxLengthValidator(MESSAGE_MAX)])
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "mentors_message"
        ordering = ["sent_at", "pk"]

    def __str__(self):
        return f"{self.sender} at {self.sent_at:%Y-%m-%d %H:%M}"


class Agreement(models.Model):
    """What the two agree at the start; in force once both have confirmed this text.
    Any change clears the other side's confirmation."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("every week")
        FORTNIGHTLY = "fortnightly", _("every two weeks")
        MONTHLY = "monthly", _("every month")
        AS_NEEDED = "as_needed", _("when either of us asks")

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="agreement"
    )
    expectations = models.TextField(
        _("what we expect of each other"), validators=[MaxLengthValidator(MESSAGE_MAX)]
    )
    frequency = models.CharField(_("how often we meet"), max_length=12, choices=Frequency.choices)
    meeting_format = models.CharField(
        _("how we meet"), max_length=10, choices=Profile.Format.choices
    )
    confidentiality = models.TextField(
        _("what stays between us"),
        validators=[MaxLengthValidator(NOTE_MAX)],
        default=_("What we discuss stays between us unless someone is at risk of harm."),
    )
    ends_on = models.DateField(_("we review or end it on"), null=True, blank=True)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Counts changes: a confirmation names the version its author read.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "mentors_agreement"

    def __str__(self):
        return f"Agreement of {self.mentorship}"

    @property
    def confirmed(self):
        return bool(self.mentor_confirmed_at and self.mentee_confirmed_at)


class GoalStatus(models.TextChoices):
    OPEN = "open", _("not started")
    DOING = "doing", _("in progress")
    DONE = "done", _("done")


class Goal(models.Model):
    Status = GoalStatus

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    next_steps = models.TextField(
        _("next steps"), blank=True, validators=[MaxLengthValidator(NOTE_MAX)]
    )
    status = models.CharField(
        _("status"), max_length=5, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "mentors_goal"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=GoalStatus.values), name="goal_status_valid"
            ),
        ]

    def __str__(self):
        return self.title


class Scheduled(models.Model):
    """A meeting at a time in a zone, carried by calendar feeds (cancelled ones too,
    with a higher SEQUENCE, so calendars drop them)."""

    starts_at = models.DateTimeField(_("starts"))
    minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    where = models.CharField(
        _("where or link"),
        max_length=300,
        blank=True,
        help_text=_("A meeting link, a phone number or a place. Only the people meeting see it."),
    )
    cancelled = models.BooleanField(default=False)
    sequence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["starts_at", "pk"]

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.minutes)


class Meeting(Scheduled):
    """A meeting the pair schedules; it appears in both personal calendar feeds."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    format = models.CharField(_("how"), max_length=10, choices=Profile.Format.choices)
    created_by = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")

    class Meta(Scheduled.Meta):
        db_table = "mentors_meeting"
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=15, minutes__lte=480), name="meeting_length_range"
            ),
        ]

    def __str__(self):
        return f"{self.mentorship} at {self.starts_at:%Y-%m-%d %H:%M}"


class CheckIn(models.Model):
    """How it is going: a dated note and a mood, private to the pair."""

    class Mood(models.IntegerChoices):
        STUCK = 1, _("stuck")
        SLOW = 2, _("slow going")
        OK = 3, _("steady")
        GOOD = 4, _("good progress")
        GREAT = 5, _("great")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    on = models.DateField(_("date"), default=timezone.localdate)
    notes = models.TextField(_("notes"), validators=[MaxLengthValidator(MESSAGE_MAX)])
    mood = models.PositiveSmallIntegerField(_("how it is going"), choices=Mood.choices)

    class Meta:
        db_table = "mentors_checkin"
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(mood__gte=1, mood__lte=5), name="checkin_mood"),
        ]

    def __str__(self):
        return f"{self.author} on {self.on}"


class FitAnswer(models.Model):
    """After the first meeting, each side answers "is this a good fit?"."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="fit")
    author = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    good_fit = models.BooleanField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "mentors_fitanswer"
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "author"], name="fit_once_each"),
        ]

    def __str__(self):
        return f"{self.author}: {'good fit' if self.good_fit else 'not a fit'}"


class CloseOut(models.Model):
    """Feedback when a mentorship ends. Organisers see only totals over many."""

    class GoalsMet(models.TextChoices):
        YES = "yes", _("yes")
        PARTLY = "partly", _("partly")
        NO = "no", _("no")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="closeouts")
    author = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("how worthwhile was it?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        help_text=_("1 not at all, 5 very."),
    )
    goals_met = models.CharField(
        _("did you reach your goals?"), max_length=6, choices=GoalsMet.choices
    )
    would_recommend = models.BooleanField(_("would you recommend mentoring here to a friend?"))
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "mentors_closeout"
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "author"], name="closeout_once_each"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="closeout_rating"
            ),
        ]

    def __str__(self):
        return f"Feedback from {self.author}"


class GroupSignUp(models.TextChoices):
    OPEN = "open", _("anyone can join")
    APPLICATION = "apply", _("by application: the facilitator reviews a short answer")


class MentoringGroup(models.Model):
    """A mentoring group (organisers appoint a facilitator) or an accountability group
    (peers: any member can start one and facilitates it)."""

    class Kind(models.TextChoices):
        MENTORING = "mentoring", _("mentoring group (facilitated)")
        ACCOUNTABILITY = "peer", _("accountability group (peers)")

    SignUp = GroupSignUp

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL
    )
    description = models.TextField(
        _("what the group is for"), validators=[MaxLengthValidator(BIO_MAX)]
    )
    facilitator = models.ForeignKey(
        Profile, verbose_name=_("facilitator"), on_delete=models.CASCADE, related_name="+"
    )
    online = models.BooleanField(_("meets online"), default=True)
    city = models.CharField(
        _("city"), max_length=100, blank=True, help_text=_("Where it meets, if in person.")
    )
    size_limit = models.PositiveSmallIntegerField(
        _("members at most"),
        default=8,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
    )
    sign_up = models.CharField(
        _("joining"), max_length=5, choices=SignUp.choices, default=SignUp.OPEN
    )
    question = models.CharField(
        _("question for applicants"),
        max_length=200,
        blank=True,
        help_text=_("Applicants answer it; only the facilitator reads the answers."),
    )
    expectations = models.TextField(
        _("what members can expect and are expected to do"),
        blank=True,
        validators=[MaxLengthValidator(BIO_MAX)],
    )
    accepting = models.BooleanField(_("taking new members"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "mentors_mentoringgroup"
        ordering = ["name", "pk"]
        verbose_name = _("mentoring group")
        constraints = [
            models.CheckConstraint(
                condition=Q(size_limit__gte=2, size_limit__lte=50), name="group_size_range"
            ),
            models.CheckConstraint(
                condition=Q(online=True) | ~Q(city=""), name="group_online_or_city"
            ),
            models.CheckConstraint(
                condition=~Q(sign_up=GroupSignUp.APPLICATION) | ~Q(question=""),
                name="group_application_has_question",
                violation_error_message=_("Groups joined by application need a question."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("mentors:group", args=[self.pk])

    def clean(self):
        super().clean()
        if not self.online and not self.city:
            raise ValidationError({"city": _("Say which city the group meets in.")})
        if self.sign_up == self.SignUp.APPLICATION and not self.question:
            raise ValidationError({"question": _("Groups joined by application need a question.")})


class GroupMembershipQuerySet(models.QuerySet):
    def members(self):
        """Memberships of people in the group now."""
        return self.filter(status=GroupMembership.Status.MEMBER)

    def current(self):
        """Memberships of people in, waiting for or applying to the group."""
        S = GroupMembership.Status
        return self.filter(status__in=[S.MEMBER, S.WAITING, S.APPLIED])


class GroupMembershipStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    MEMBER = "member", _("member")
    WAITING = "waiting", _("on the waiting list")
    DECLINED = "declined", _("not accepted")
    LEFT = "left", _("left")


class GroupMembership(models.Model):
    Status = GroupMembershipStatus

    group = models.ForeignKey(MentoringGroup, on_delete=models.CASCADE, related_name="memberships")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="group_memberships")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    answer = models.TextField(
        _("your answer"), blank=True, validators=[MaxLengthValidator(NOTE_MAX)]
    )
    queued_at = models.DateTimeField(default=timezone.now)

    objects = GroupMembershipQuerySet.as_manager()

    class Meta:
        db_table = "mentors_groupmembership"
        ordering = ["queued_at", "pk"]
        verbose_name = _("group membership")
        constraints = [
            models.UniqueConstraint(fields=["group", "profile"], name="group_membership_once"),
            models.CheckConstraint(
                condition=Q(status__in=GroupMembershipStatus.values),
                name="group_membership_status",
            ),
        ]

    def __str__(self):
        return f"{self.profile} in {self.group} ({self.get_status_display()})"


class GroupMeeting(Scheduled):
    """A group's meeting: in every member's and the facilitator's calendar feed."""

    group = models.ForeignKey(MentoringGroup, on_delete=models.CASCADE, related_name="meetings")

    class Meta(Scheduled.Meta):
        db_table = "mentors_groupmeeting"
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=15, minutes__lte=480), name="group_meeting_length_range"
            ),
        ]

    def __str__(self):
        return f"{self.group} at {self.starts_at:%Y-%m-%d %H:%M}"
