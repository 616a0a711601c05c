"""Special-category data: EFMP status, race, ethnicity and gender.

Everything that knows these attributes exist lives here or in the models that store
them, so a reviewer can check every place they are read. The rules:

- Each attribute is optional, self-described from the documented list below, and used
  only as its owner chose, separately for each: not used (nothing stored), usable as a
  search filter without being shown, or shown on the profile to signed-in members.
- Sensitive filters are open only to verified members, only beside at least one
  non-sensitive criterion, and a search that uses one and finds fewer than
  MIN_GROUP people shows nobody.
- Reasons, match explanations, admin forms and lists, feeds and JSON never carry them.
- Organisers see only counts, with cells under MIN_GROUP suppressed and complementary
  cells suppressed too (`suppress`), so no shown total lets anyone subtract.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_GROUP = 5
PREFER_NOT_TO_SAY = "prefer_not_to_say"


class Kind(models.TextChoices):
    EFMP = "efmp", _("Exceptional Family Member Program (EFMP) status")
    RACE = "race", _("Race")
    ETHNICITY = "ethnicity", _("Ethnicity")
    GENDER = "gender", _("Gender")


class Use(models.TextChoices):
    NOT_USED = "not_used", _("Not used")
    SEARCH = "search", _("Search only: people who filter on it can find me; not shown")
    SHOWN = "shown", _("Shown on my profile to signed-in members")


# The documented lists. Race and ethnicity follow the US federal (OMB) categories the
# Air Force's MyVECTOR uses; EFMP is the Department of Defense programme for families
# with special medical or educational needs.
VALUES = {
    Kind.EFMP: [
        ("enrolled", _("My family is enrolled in EFMP")),
        ("previously_enrolled", _("My family was enrolled in EFMP")),
        ("not_enrolled", _("Not enrolled in EFMP")),
    ],
    Kind.RACE: [
        ("american_indian_alaska_native", _("American Indian or Alaska Native")),
        ("asian", _("Asian")),
        ("black_african_american", _("Black or African American")),
        ("native_hawaiian_pacific_islander", _("Native Hawaiian or Other Pacific Islander")),
        ("white", _("White")),
        ("two_or_more", _("Two or more races")),
        ("another_race", _("Another race")),
    ],
    Kind.ETHNICITY: [
        ("hispanic_latino", _("Hispanic or Latino")),
        ("not_hispanic_latino", _("Not Hispanic or Latino")),
    ],
    Kind.GENDER: [
        ("woman", _("Woman")),
        ("man", _("Man")),
        ("non_binary", _("Non-binary")),
        ("another_gender", _("Another gender identity")),
    ],
}
for _kind, _values in VALUES.items():
    _values.append((PREFER_NOT_TO_SAY, _("Prefer not to say")))


def choices(kind):
    return VALUES[Kind(kind)]


def label(kind, value):
    return dict(VALUES[Kind(kind)]).get(value, "")


def searchable_choices(kind):
    """What a search may filter on: "prefer not to say" is not a group to look for."""
    return [(value, text) for value, text in VALUES[Kind(kind)] if value != PREFER_NOT_TO_SAY]


def suppress(table, minimum=MIN_GROUP):
    """Publish a table of counts with its margins without disclosing small groups.

    `table` is a list of rows of non-negative counts. The result adds a total to each
    row, a totals row and a grand total, and puts None wherever a number is withheld:
    every count under `minimum` (cells and totals alike), and then complementary
    cells: each row and column is an equation (its cells add up to its total), and an
    equation with exactly one withheld number would give it away by subtraction, so
    the smallest other number in it is withheld too, repeating until none does.
    """
    rows = [[*row, sum(row)] for row in table]
    rows.append([sum(column) for column in zip(*rows, strict=True)])
    height, width = len(rows), len(rows[0])
    hidden = [[rows[r][c] < minimum for c in range(width)] for r in range(height)]
    equations = [[(r, c) for c in range(width)] for r in range(height)]
    equations += [[(r, c) for r in range(height)] for c in range(width)]
    changed = True
    while changed:
        changed = False
        for cells in equations:
            if sum(hidden[r][c] for r, c in cells) != 1:
                continue
            shown = [(r, c) for r, c in cells if not hidden[r][c]]
            r, c = min(shown, key=lambda cell: rows[cell[0]][cell[1]])
            hidden[r][c] = True
            changed = True
    return [[None if hidden[r][c] else rows[r][c] for c in range(width)] for r in range(height)]


def summary(counts, kind, columns):
    """Organisers' table for one attribute: a row per value of `kind` and a column per
    (key, label) in `columns`, from `counts` {(value, column key): n}, suppressed."""
    values = VALUES[Kind(kind)]
    table = [[counts.get((value, key), 0) for key, _label in columns] for value, _text in values]
    published = suppress(table)
    return {
        "kind": Kind(kind).label,
        "columns": [text for _key, text in columns],
        "rows": [
            {"label": text, "cells": numbers[:-1], "total": numbers[-1]}
            for (_value, text), numbers in zip(values, published, strict=False)
        ],
        "totals": published[-1][:-1],
        "total": published[-1][-1],
    }
