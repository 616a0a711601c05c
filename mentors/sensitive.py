"""Special-category data: EFMP status, race, ethnicity and gender.

Everything that knows these attributes exist lives here or in the models that store
them, so a reviewer can check every place they are read. The rules:

- Each attribute is optional, self-described from the documented list below, and used
  only as its owner chose, separately for each: not used (nothing stored), usable as a
  search filter without being shown, or shown on the profile to signed-in members.
- Sensitive filters are open only to verified members, only beside at least one
  non-sensitive criterion, and a search that uses one and finds fewer than
  MIN_GROUP established people (below) shows nobody.
- Reasons, match explanations, admin forms and lists, feeds and JSON never carry them.
- Organisers see only counts, with cells under MIN_GROUP suppressed and complementary
  cells suppressed too (`suppress`), so no shown total, nor any sum of rows and columns,
  lets anyone work a withheld number out.

Threat model of the small-number rule
-------------------------------------
Attacker: a member with a verified email address who wants to learn a value someone
(the target) made "search only". They can run any directory search, and they can
create more accounts (an email address each) with profiles claiming any value.

What they could learn: a search narrowed to the target by plain criteria (words of
their name or headline in `q`, a rare career field) plus a sensitive value lists the
target only if the target has that value. The rule withholds any result under
MIN_GROUP, so one match alone shows nobody; but four accounts made for the purpose,
matching the same criteria and claiming the same value, made five, and the target
showed. Differencing (two searches whose difference is one person) gains nothing
more: a search shows people only when it shows at least MIN_GROUP who count, and
everyone it shows has the value (what "search only" consents to); a withheld search
says only "fewer than MIN_GROUP", never how many.

What counts toward the threshold: people the searcher may see (not hidden, active,
no block either way), never the searcher, who match every criterion, whose account
has a verified email address and is at least ESTABLISHED old, and whose matching
values were set at least ESTABLISHED ago (`directory.search`). Accounts made or
values claimed for an attack count only after a month: the attacker must keep
accounts that long with the target's value chosen in advance, and organisers can
spot a cluster of new look-alike profiles and hide them (hidden profiles stop
counting at once). Newer people still appear in a result that has enough others.
Residual risk: a patient attacker holding several month-old accounts.
"""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_GROUP = 5
# How long an account, and a value it claims, must have existed before it counts
# toward MIN_GROUP (see the threat model above).
ESTABLISHED = timedelta(days=30)
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
    cells, until no withheld number can be worked out from the published ones.

    Each row and column is an equation (its cells add up to its total). Think of the
    rows and columns as the points of a graph and each withheld number as a line
    between its row and its column: a withheld number can be computed exactly when its
    line lies on no cycle (a bridge). A row or column with one withheld number is the
    plain case (total minus the others); two groups of withheld numbers joined by a
    single one is the subtle case (sum the equations on one side). So: while a line is
    a bridge, withhold one more number that closes a cycle through it, the smallest.
    """
    rows = [[*row, sum(row)] for row in table]
    rows.append([sum(column) for column in zip(*rows, strict=True)])
    height, width = len(rows), len(rows[0])
    hidden = {(r, c) for r in range(height) for c in range(width) if rows[r][c] < minimum}
    while bridge := _bridge(hidden):
        closing = _closing(hidden, bridge, height, width)
        hidden.add(min(closing, key=lambda cell: (rows[cell[0]][cell[1]], cell)))
    return [[None if (r, c) in hidden else rows[r][c] for c in range(width)] for r in range(height)]


def _reachable(edges, start):
    """Points reachable from `start` along `edges` (cells): a point is ("row", r) or
    ("column", c), and a cell (r, c) joins the two."""
    seen, todo = {start}, [start]
    while todo:
        side, index = todo.pop()
        for r, c in edges:
            if (side, index) in (("row", r), ("column", c)):
                other = ("column", c) if side == "row" else ("row", r)
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
    return seen


def _bridge(hidden):
    """A withheld cell the published numbers give away (on no cycle), or None."""
    for r, c in sorted(hidden):
        if ("column", c) not in _reachable(hidden - {(r, c)}, ("row", r)):
            return r, c
    return None


def _closing(hidden, bridge, height, width):
    """Published cells any one of which puts `bridge` on a cycle."""
    r, c = bridge
    row = {(r, column) for column in range(width)}
    column = {(row, c) for row in range(height)}
    # Alone in its row or column: total minus the others gives it; one more there.
    for line in (row, column):
        if line & hidden == {bridge}:
            return line - hidden
    # Otherwise a row on one side of it with a column on the other closes a cycle.
    rest = hidden - {bridge}
    near, far = _reachable(rest, ("row", r)), _reachable(rest, ("column", c))
    return {
        (a, b) if kind == "row" else (b, a)
        for one, other in ((near, far), (far, near))
        for kind, a in one
        for other_kind, b in other
        if kind != other_kind
    } - hidden


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
