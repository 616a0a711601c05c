"""The community app's models, moved from the mentors app with their tables and rows
(mentors 0010): created here in Django's state only. Their content types move with
them, so permissions, the Organisers group and admin history follow."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from mentoring_hub.migration_steps import relabel_content_types

MODELS = ["thankyou", "story", "nomination", "mentorofthemonth", "guide"]


def relabel(apps, schema_editor):
    relabel_content_types(apps, schema_editor, MODELS, "mentors", "community")


def unlabel(apps, schema_editor):
    relabel_content_types(apps, schema_editor, MODELS, "community", "mentors")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0009_title_one_line"),
        ("mentors", "0010_moved_to_mentoring_and_community"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables, rows and constraints stay as they are: only Django's picture
        # of which app holds each model changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Guide",
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
                        ("slug", models.SlugField(unique=True, verbose_name="address")),
                        ("title", models.CharField(max_length=120, verbose_name="title")),
                        (
                            "summary",
                            models.CharField(blank=True, max_length=300, verbose_name="summary"),
                        ),
                        (
                            "body",
                            models.TextField(
                                validators=[django.core.validators.MaxLengthValidator(50000)],
                                verbose_name="text (Markdown)",
                            ),
                        ),
                        ("html", models.TextField(blank=True, editable=False)),
                        ("published", models.BooleanField(default=True, verbose_name="published")),
                        (
                            "position",
                            models.PositiveSmallIntegerField(default=0, verbose_name="order"),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "verbose_name": "guide",
                        "db_table": "mentors_guide",
                        "ordering": ["position", "title"],
                    },
                ),
                migrations.CreateModel(
                    name="Story",
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
                                    ("pending", "waiting for an organiser"),
                                    ("approved", "approved"),
                                    ("rejected", "not published"),
                                ],
                                default="pending",
                                max_length=8,
                                verbose_name="status",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        ("author_name", models.CharField(max_length=80, verbose_name="signed")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("story", "a success story"), ("tip", "a tip")],
                                max_length=5,
                                verbose_name="what it is",
                            ),
                        ),
                        ("title", models.CharField(max_length=120, verbose_name="title")),
                        (
                            "body",
                            models.TextField(
                                validators=[django.core.validators.MaxLengthValidator(3000)],
                                verbose_name="your story",
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "author",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="stories",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "campaign",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="stories",
                                to="events.campaign",
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "story or tip",
                        "verbose_name_plural": "stories and tips",
                        "db_table": "mentors_story",
                        "ordering": ["-created_at", "-pk"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="MentorOfTheMonth",
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
                        ("month", models.DateField(unique=True, verbose_name="month")),
                        (
                            "citation",
                            models.TextField(
                                validators=[django.core.validators.MaxLengthValidator(1000)],
                                verbose_name="why",
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "chosen_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "mentor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="awards",
                                to="mentors.profile",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Mentor of the Month",
                        "verbose_name_plural": "Mentors of the Month",
                        "db_table": "mentors_mentorofthemonth",
                        "ordering": ["-month"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("month__day", 1)), name="motm_month_first"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Nomination",
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
                        ("month", models.DateField(verbose_name="for the month of")),
                        (
                            "reason",
                            models.TextField(
                                validators=[django.core.validators.MaxLengthValidator(1000)],
                                verbose_name="why",
                            ),
                        ),
                        (
                            "shortlisted",
                            models.BooleanField(default=False, verbose_name="shortlisted"),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "mentor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="nominations",
                                to="mentors.profile",
                            ),
                        ),
                        (
                            "nominator",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mentors_nomination",
                        "ordering": ["-month", "-created_at"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("nominator", "mentor", "month"),
                                name="nomination_once_a_month",
                                violation_error_message="You already nominated this mentor this month.",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("month__day", 1)), name="nomination_month_first"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ThankYou",
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
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("private", "private: for the mentor only"),
                                    ("pending", "waiting for an organiser"),
                                    ("approved", "on the wall"),
                                    ("rejected", "not published"),
                                ],
                                default="private",
                                max_length=8,
                                verbose_name="status",
                            ),
                        ),
                        ("author_name", models.CharField(max_length=80, verbose_name="signed")),
                        (
                            "mentor_name",
                            models.CharField(
                                blank=True,
                                help_text="For a mentor who is not on this site.",
                                max_length=100,
                                verbose_name="your mentor's name",
                            ),
                        ),
                        (
                            "message",
                            models.TextField(
                                validators=[django.core.validators.MaxLengthValidator(1000)],
                                verbose_name="your thank-you",
                            ),
                        ),
                        (
                            "author",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="thanks_given",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "mentor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="thanks",
                                to="mentors.profile",
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "thank-you note",
                        "db_table": "mentors_thankyou",
                        "ordering": ["-created_at", "-pk"],
                        "abstract": False,
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("mentor__isnull", False),
                                    models.Q(("mentor_name", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="thanks_to_someone",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(relabel, unlabel, elidable=False),
    ]
