"""The mentoring app's models, moved from the mentors app with their tables and rows
(mentors 0010): created here in Django's state only. Their content types move with
them, so permissions, the Organisers group and admin history follow."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import mentoring_hub.zones
from mentoring_hub.migration_steps import relabel_content_types

MODELS = [
    "mentorshiprequest",
    "mentorship",
    "waitinglistentry",
    "message",
    "agreement",
    "goal",
    "meeting",
    "checkin",
    "fitanswer",
    "closeout",
    "mentoringgroup",
    "groupmembership",
    "groupmeeting",
]


def relabel(apps, schema_editor):
    relabel_content_types(apps, schema_editor, MODELS, "mentors", "mentoring")


def unlabel(apps, schema_editor):
    relabel_content_types(apps, schema_editor, MODELS, "mentoring", "mentors")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("mentors", "0010_moved_to_mentoring_and_community"),
    ]

    operations = [
        # The tables, rows and constraints stay as they are: only Django's picture
        # of which app holds each model changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MentoringGroup",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("mentoring", "mentoring group (facilitated)"),
                                    ("peer", "accountability group (peers)"),
                                ],
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        (
                            "description",
                            models.TextField(
                                validators=[django.core.validators.MaxLengthValidator(2000)],
                                verbose_name="what the group is for",
                            ),
                        ),
                        ("online", models.BooleanField(default=True, verbose_name="meets online")),
                        (
                            "city",
                            models.CharField(
                                blank=True,
                                help_text="Where it meets, if in person.",
                                max_length=100,
                                verbose_name="city",
                            ),
                        ),
                        (
                            "size_limit",
                            models.PositiveSmallIntegerField(
                                default=8,
                                validators=[
                                    django.core.validators.MinValueValidator(2),
                                    django.core.validators.MaxValueValidator(50),
                                ],
                                verbose_name="members at most",
                            ),
                        ),
                        (
                            "sign_up",
                            models.CharField(
                                choices=[
                                    ("open", "anyone can join"),
                                    (
                                        "apply",
                                        "by application: the facilitator reviews a short answer",
                                    ),
                                ],
                                default="open",
                                max_length=5,
                                verbose_name="joining",
                            ),
                        ),
                        (
                            "question",
                            models.CharField(
                                blank=True,
                                help_text="Applicants answer it; only the facilitator reads the answers.",
                                max_length=200,
                                verbose_name="question for applicants",
                            ),
                        ),
                        (
                            "expectations",
                            models.TextField(
                                blank=True,
                                validators=[django.core.validators.MaxLengthValidator(2000)],
                                verbose_name="what members can expect and are expected to do",
                            ),
                        ),
                        (
                            "accepting",
                            models.BooleanField(default=True, verbose_name="taking new members"),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "facilitator",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="mentors.profile",
                                verbose_name="facilitator",
                            ),
                        ),
                        (
                            "topic",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to="mentors.topic",
                                verbose_name="topic",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "mentoring group",
                        "db_table": "mentors_mentoringgroup",
                        "ordering": ["name", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="GroupMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("applied", "applied"),
                                    ("member", "member"),
                                    ("waiting", "on the waiting list"),
                                    ("declined", "not accepted"),
                                    ("left", "left"),
                                ],
                                max_length=8,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "answer",
                            models.TextField(
                                blank=True,
                                validators=[django.core.validators.MaxLengthValidator(1000)],
                                verbose_name="your answer",
                            ),
                        ),
                        ("queued_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "profile",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="group_memberships",
                                to="mentors.profile",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="mentoring.mentoringgroup",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "group membership",
                        "db_table": "mentors_groupmembership",
                        "ordering": ["queued_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="GroupMeeting",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("starts_at", models.DateTimeField(verbose_name="starts")),
                        (
                            "minutes",
                            models.PositiveSmallIntegerField(
                                default=60,
                                validators=[
                                    django.core.validators.MinValueValidator(15),
                                    django.core.validators.MaxValueValidator(480),
                                ],
                                verbose_name="length (minutes)",
                            ),
                        ),
                        (
                            "time_zone",
                            models.CharField(
                                max_length=64, validators=[mentoring_hub.zones.validate_time_zone]
                            ),
                        ),
                        (
                            "where",
                            models.CharField(
                                blank=True,
                                help_text="A meeting link, a phone number or a place. Only the people meeting see it.",
                                max_length=300,
                                verbose_name="where or link",
                            ),
                        ),
                        ("cancelled", models.BooleanField(default=False)),
                        ("sequence", models.PositiveIntegerField(default=0)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "group",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="meetings",
                                to="mentoring.mentoringgroup",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mentors_groupmeeting",
                        "ordering": ["starts_at", "pk"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="Mentorship",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("active", "active"), ("ended", "ended")],
                                default="active",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "origin",
                            models.CharField(
                                choices=[("request", "request"), ("round", "matching round")],
                                max_length=10,
                                verbose_name="started from",
                            ),
                        ),
                        ("started_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("ended_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "end_reason",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("completed", "we reached our goals / the agreed end"),
                                    ("not_a_fit", "not a good fit"),
                                    ("no_time", "no time any more"),
                                    ("blocked", "one of us blocked the other"),
                                    ("other", "another reason"),
                                ],
                                max_length=10,
                                verbose_name="why it ended",
                            ),
                        ),
                        (
                            "mentee",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mentorships_as_mentee",
                                to="mentors.profile",
                            ),
                        ),
                        (
                            "mentor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mentorships",
                                to="mentors.profile",
                            ),
                        ),
                        (
                            "round",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="mentors.matchinground",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "mentorship",
                        "db_table": "mentors_mentorship",
                        "ordering": ["-started_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Meeting",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("starts_at", models.DateTimeField(verbose_name="starts")),
                        (
                            "minutes",
                            models.PositiveSmallIntegerField(
                                default=60,
                                validators=[
                                    django.core.validators.MinValueValidator(15),
                                    django.core.validators.MaxValueValidator(480),
                                ],
                                verbose_name="length (minutes)",
                            ),
                        ),
                        (
                            "time_zone",
                            models.CharField(
                                max_length=64, validators=[mentoring_hub.zones.validate_time_zone]
                            ),
                        ),
                        (
                            "where",
                            models.CharField(
                                blank=True,
                                help_text="A meeting link, a phone number or a place. Only the people meeting see it.",
                                max_length=300,
                                verbose_name="where or link",
                            ),
                        ),
                        ("cancelled", models.BooleanField(default=False)),
                        ("sequence", models.PositiveIntegerField(default=0)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "format",
                            models.CharField(
                                choices=[
                                    ("video", "Video call"),
                                    ("phone", "Phone"),
                                    ("in_person", "In person"),
                                    ("chat", "Chat"),
                                ],
                                max_length=10,
                                verbose_name="how",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="mentors.profile",
                            ),
                        ),
                        (
                            "mentorship",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="meetings",
                                to="mentoring.mentorship",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mentors_meeting",
                        "ordering": ["starts_at", "pk"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="Goal",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="goal")),
                        (
                            "next_steps",
                            models.TextField(
                                blank=True,
                                validators=[django.core.validators.MaxLengthValidator(1000)],
                                verbose_name="next steps",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "not started"),
                                    ("doing", "in progress"),
                                    ("done", "done"),
                                ],
                                default="open",
                                max_length=5,
                                verbose_name="status",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "mentorship",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="goals",
                                to="mentoring.mentorship",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mentors_goal",
                        "ordering": ["created_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="FitAnswer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("good_fit", models.BooleanField()),
                        ("answered_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="mentors.profile",
                            ),
                        ),
                        (
                            "mentorship",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="fit",
                                to="mentoring.mentorship",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mentors_fitanswer",
                    },
                ),
                migrations.CreateModel(
                    name="CloseOut",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "rating",
                            models.PositiveSmallIntegerField(
                                choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")],
                                help_text="1 not at all, 5 very.",
                                verbose_name="how worthwhile was it?",
                            ),
                        ),
                        (
                            "goals_met",
                            models.CharField(
                                choices=[("yes", "yes"), ("partly", "partly"), ("no", "no")],
                                max_length=6,
                                verbose_name="did you reach your goals?",
                            ),
                        ),
                        (
                            "would_recommend",
                            models.BooleanField(
                                verbose_name="would you recommend mentoring here to a friend?"
                            ),
                        ),
                        ("given_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="mentors.profile",
                            ),
                        ),
                        (
                            "mentorship",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="closeouts",
                                to="mentoring.mentorship",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mentors_closeout",
                    },
                ),
                migrations.CreateModel(
                    name="CheckIn",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "on",
                            models.DateField(
                                default=django.utils.timezone.localdate, verbose_name="date"
                            ),
                        ),
                        (
                            "notes",
                            models.TextField(
                                validators=[django.core.validators.MaxLengthValidator(2000)],
                                verbose_name="notes",
                            ),
                        ),
                        (
                            "mood",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (1, "stuck"),
                                    (2, "slow going"),
                                    (3, "steady"),
                                    (4, "good progress"),
                                    (5, "great"),
                                ],
                                verbose_name="how it is going",
                            ),
                        ),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="mentors.profile",
                            ),
                        ),
                        (
                            "mentorship",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="checkins",
                                to="mentoring.mentorship",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mentors_checkin",
                        "ordering": ["-on", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Agreement",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "expectations",
                            models.TextField(
                                validators=[django.core.validators.MaxLengthValidator(2000)],
                                verbose_name="what we expect of each other",
                            ),
                        ),
                        (
                            "frequency",
                            models.CharField(
                                choices=[
                                    ("weekly", "every week"),
                                    ("fortnightly", "every two weeks"),
                                    ("monthly", "every month"),
                                    ("as_needed", "when either of us asks"),
                                ],
                                max_length=12,
                                verbose_name="how often we meet",
                            ),
                        ),
                        (
                            "meeting_format",
                            models.CharField(
                                choices=[
                                    ("video", "Video call"),
                                    ("phone", "Phone"),
                                    ("in_person", "In person"),
                                    ("chat", "Chat"),
                                ],
                                max_length=10,
                                verbose_name="how we meet",
                            ),
                        ),
                        (
                            "confidentiality",
                            models.TextField(
                                default="What we discuss stays between us unless someone is at risk of harm.",
                                validators=[django.core.validators.MaxLengthValidator(1000)],
                                verbose_name="what stays between us",
                            ),
                        ),
                        (
                            "ends_on",
                            models.DateField(
                                blank=True, null=True, verbose_name="we review or end it on"
                            ),
                        ),
                        ("mentor_confirmed_at", models.DateTimeField(blank=True, null=True)),
                        ("mentee_confirmed_at", models.DateTimeField(blank=True, null=True)),
                        ("version", models.PositiveIntegerField(default=1, editable=False)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "mentorship",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="agreement",
                                to="mentoring.mentorship",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mentors_agreement",
                    },
                ),
                migrations.CreateModel(
                    name="MentorshipRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "message",
                            models.TextField(
                                help_text="Say what you hope to work on together.",
                                validators=[django.core.validators.MaxLengthValidator(1000)],
                                verbose_name="your message",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "waiting for an answer"),
                                    ("accepted", "accepted"),
                                    ("declined", "declined"),
                                    ("withdrawn", "withdrawn"),
                                    ("expired", "expired"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "response_note",
                            models.TextField(
                                blank=True,
                                validators=[django.core.validators.MaxLengthValidator(1000)],
                                verbose_name="note",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("expires_at", models.DateTimeField()),
                        ("responded_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "mentee",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="requests_made",
                                to="mentors.profile",
                            ),
                        ),
                        (
                            "mentor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="requests_received",
                                to="mentors.profile",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "mentoring request",
                        "db_table": "mentors_mentorshiprequest",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.AddField(
                    model_name="mentorship",
                    name="request",
                    field=models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="mentoring.mentorshiprequest",
                    ),
                ),
                migrations.CreateModel(
                    name="Message",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "body",
                            models.TextField(
                                validators=[django.core.validators.MaxLengthValidator(2000)],
                                verbose_name="message",
                            ),
                        ),
                        ("sent_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "mentorship",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="messages",
                                to="mentoring.mentorship",
                            ),
                        ),
                        (
                            "sender",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="mentors.profile",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mentors_message",
                        "ordering": ["sent_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="WaitingListEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "told_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="When we told them a place had opened.",
                                null=True,
                            ),
                        ),
                        (
                            "mentee",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="waiting",
                                to="mentors.profile",
                            ),
                        ),
                        (
                            "mentor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="waiting_list",
                                to="mentors.profile",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "waiting-list place",
                        "db_table": "mentors_waitinglistentry",
                        "ordering": ["created_at", "pk"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="mentoringgroup",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("size_limit__gte", 2), ("size_limit__lte", 50)),
                        name="group_size_range",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mentoringgroup",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("online", True), models.Q(("city", ""), _negated=True), _connector="OR"
                        ),
                        name="group_online_or_city",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mentoringgroup",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("sign_up", "apply"), _negated=True),
                            models.Q(("question", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="group_application_has_question",
                        violation_error_message="Groups joined by application need a question.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="groupmembership",
                    constraint=models.UniqueConstraint(
                        fields=("group", "profile"), name="group_membership_once"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="groupmembership",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["applied", "member", "waiting", "declined", "left"])
                        ),
                        name="group_membership_status",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="groupmeeting",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("minutes__gte", 15), ("minutes__lte", 480)),
                        name="group_meeting_length_range",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="meeting",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("minutes__gte", 15), ("minutes__lte", 480)),
                        name="meeting_length_range",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="goal",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("status__in", ["open", "doing", "done"])),
                        name="goal_status_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="fitanswer",
                    constraint=models.UniqueConstraint(
                        fields=("mentorship", "author"), name="fit_once_each"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="closeout",
                    constraint=models.UniqueConstraint(
                        fields=("mentorship", "author"), name="closeout_once_each"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="closeout",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("rating__gte", 1), ("rating__lte", 5)),
                        name="closeout_rating",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="checkin",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("mood__gte", 1), ("mood__lte", 5)), name="checkin_mood"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mentorshiprequest",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("mentee", "mentor"),
                        name="request_one_pending_per_pair",
                        violation_error_message="You already asked this mentor.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mentorshiprequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("mentee", models.F("mentor")), _negated=True),
                        name="request_not_self",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mentorshiprequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            (
                                "status__in",
                                ["pending", "accepted", "declined", "withdrawn", "expired"],
                            )
                        ),
                        name="request_status_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mentorship",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status", "active")),
                        fields=("mentor", "mentee"),
                        name="mentorship_one_active_per_pair",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mentorship",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("mentee", models.F("mentor")), _negated=True),
                        name="mentorship_not_self",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mentorship",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("ended_at__isnull", True), ("status", "active")),
                            models.Q(("ended_at__isnull", False), ("status", "ended")),
                            _connector="OR",
                        ),
                        name="mentorship_ended_has_date",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="waitinglistentry",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("mentor__isnull", False)),
                        fields=("mentee", "mentor"),
                        name="waiting_once_per_mentor",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="waitinglistentry",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("mentor__isnull", True)),
                        fields=("mentee",),
                        name="waiting_once_for_rounds",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="waitinglistentry",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("mentee", models.F("mentor")), _negated=True),
                        name="waiting_not_self",
                    ),
                ),
            ],
        ),
        migrations.RunPython(relabel, unlabel, elidable=False),
    ]
