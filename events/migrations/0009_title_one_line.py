"""A session's (and a proposal's) title is one line: existing titles written over
several lines are joined with spaces first, so the new constraints hold."""

from django.db import migrations, models
from django.db.models import F, Q
from django.utils import timezone

import events.validators

MULTI_LINE = Q(title__contains="\n") | Q(title__contains="\r")


def join_title_lines(apps, schema_editor):
    one_line = events.validators.one_line
    for row in apps.get_model("events", "Proposal").objects.filter(MULTI_LINE):
        row.title = one_line(row.title)
        row.save(update_fields=["title"])
    Event = apps.get_model("events", "Event")
    for pk, title in Event.objects.filter(MULTI_LINE).values_list("pk", "title"):
        # A new title is a change calendars must learn of: SEQUENCE rises, as
        # Event.save() would make it.
        Event.objects.filter(pk=pk).update(
            title=one_line(title), sequence=F("sequence") + 1, updated_at=timezone.now()
        )


def one_line_constraint(prefix):
    return models.CheckConstraint(
        condition=~Q(title__contains="\n") & ~Q(title__contains="\r"),
        name=f"{prefix}_title_one_line",
        violation_error_message="A title is one line: remove the line break.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_notices"),
    ]

    operations = [
        migrations.RunPython(join_title_lines, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=model,
                name="title",
                field=models.CharField(
                    max_length=200,
                    validators=[events.validators.validate_one_line],
                    verbose_name="title",
                ),
            )
            for model in ("event", "proposal")
        ),
        migrations.AddConstraint(model_name="event", constraint=one_line_constraint("event")),
        migrations.AddConstraint(model_name="proposal", constraint=one_line_constraint("proposal")),
    ]
