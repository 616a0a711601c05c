"""Bulk matching rounds: from the database to a proposal organisers review and publish.

`start(round)` asks for a computation; `compute_round` (a background task) loads the
cohort and the mentors with places left, scores every allowed pair from arrays, finds
the optimal assignment and the best-first one beside it, and stores the optimum as
`RoundPair` rows with a summary of both. Progress goes to the round row as it runs, so
the admin page can show it. Organisers' pins and drops are applied on every run;
`publish(round)` hands the pairs to whoever registered in PUBLISHED (mentorships).
"""

import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from mentors import suggest
from mentors.matching import Matrix, assign, edges_for, greedy, score
from mentors.models import Block, MatchingRound, MatchingSettings, Profile, RoundPair, RoundRule

log = logging.getLogger(__name__)

# Other apps register callables: ALREADY_MATCHED() -> set of mentee profile ids who
# have a mentor already (left out of every cohort); PUBLISHED(round) runs in a task
# after publishing and returns a note for the organiser (kept on the round), or None.
ALREADY_MATCHED = []
PUBLISHED = []

BINS = 5  # score distribution buckets
STORE_BATCH = 2000


class RoundError(Exception):
    """A round cannot be computed as asked; the message says why, for organisers."""


def cohort(round):
    """The mentees this round matches: mentees with an active account and no mentor
    yet, narrowed by the round's organisation and career field."""
    mentees = Profile.objects.mentees().filter(user__is_active=True)
    if round.organisation_id:
        mentees = mentees.filter(organisation_id=round.organisation_id)
    if round.career_field_id:
        mentees = mentees.filter(career_field_id=round.career_field_id)
    matched = set().union(*(source() for source in ALREADY_MATCHED))
    if matched:
        mentees = mentees.exclude(pk__in=matched)
    return mentees


def start(round):
    """Ask for a (re)computation of `round` once the current transaction commits."""
    MatchingRound.objects.filter(pk=round.pk).update(
        generation=F("generation") + 1,
        status=MatchingRound.Status.QUEUED,
        progress=0,
        phase=_("Waiting for a worker"),
        error="",
    )
    round.refresh_from_db()
    generation = round.generation
    transaction.on_commit(lambda: compute_round.enqueue(round.pk, generation))


def computing(round_id, generation):
    """The round, if this computation is still the one wanted: the latest requested and
    not finished. A task run twice (a killed worker's task is taken again when its
    lease ends) must never reopen a round already ready, failed or published."""
    return MatchingRound.objects.filter(
        pk=round_id,
        generation=generation,
        status__in=[MatchingRound.Status.QUEUED, MatchingRound.Status.RUNNING],
    )


def _report(round_id, generation, progress, phase, **fields):
    """Record progress unless a newer computation was requested or this one ended."""
    return computing(round_id, generation).update(progress=int(progress), phase=phase, **fields)


def blocked_pairs():
    """(mentee id, mentor id) pairs, both ways round, that a block rules out. Blocks
    are few: read them first, then only the profiles of the people in them."""
    blocks = list(Block.objects.values_list("blocker", "blocked"))
    users = {user for block in blocks for user in block}
    profile_of = dict(Profile.objects.filter(user__in=users).values_list("user_id", "pk"))
    pairs = set()
    for a, b in blocks:
        if a in profile_of and b in profile_of:
            pairs |= {(profile_of[a], profile_of[b]), (profile_of[b], profile_of[a])}
    return pairs


def distribution(scores, top):
    """Counts of pair scores in BINS equal buckets from 0 to `top`."""
    width = top / BINS if top > 0 else 1
    counts = [0] * BINS
    for value in scores:
        counts[min(int(value // width), BINS - 1)] += 1
    return [
        {"low": round(b * width, 1), "high": round((b + 1) * width, 1), "count": counts[b]}
        for b in range(BINS)
    ]


def outcome(scores, cohort_size, top):
    return {
        "total": round(sum(scores), 1),
        "matched": len(scores),
        "unmatched": cohort_size - len(scores),
        "mean": round(sum(scores) / len(scores), 2) if scores else 0,
        "distribution": distribution(scores, top),
    }


def check_pins(pins, mentee_ids, capacities, blocked):
    """Pins must name a mentee in the cohort, no blocked pair, and a mentor with a
    place for each."""
    per_mentor = {}
    for mentee, mentor in pins:
        if mentee not in mentee_ids:
            raise RoundError(_("A pinned mentee is not in this round's cohort any more."))
        if (mentee, mentor) in blocked:
            raise RoundError(
                _("A pinned pair can no longer be paired: one of them blocked the other.")
            )
        per_mentor[mentor] = per_mentor.get(mentor, 0) + 1
    for mentor, n in per_mentor.items():
        if n > capacities.get(mentor, 0):
            name = Profile.objects.filter(pk=mentor).values_list("display_name", flat=True)
            raise RoundError(
                _("%(name)s is pinned to %(n)d mentees but has %(places)d places left.")
                % {"name": name.first() or mentor, "n": n, "places": capacities.get(mentor, 0)}
            )


@task()
def compute_round(round_id, generation):
    """Compute a round's proposal; see the module docstring."""
    started = time.perf_counter()
    if not _report(
        round_id, generation, 1, _("Loading mentees"), status=MatchingRound.Status.RUNNING
    ):
        return  # a newer computation was requested, or the round is gone
    round = MatchingRound.objects.get(pk=round_id)
    try:
        result = _compute(round, generation)
    except RoundError as error:
        _report(round_id, generation, 0, "", status=MatchingRound.Status.FAILED, error=str(error))
        return
    except Exception:
        log.exception("matching round %s failed", round_id)
        _report(
            round_id,
            generation,
            0,
            "",
            status=MatchingRound.Status.FAILED,
            error=_("Something went wrong computing this round; the error is in the log."),
        )
        raise
    if result is not None:
        log.info("matching round %s computed in %.2f s", round_id, time.perf_counter() - started)


@dataclass(frozen=True)
class Cohort:
    """What a round computes over: its mentees, every mentor and their places, and
    the organisers' pins and drops (with blocks and self-pairs among the drops)."""

    mentees: list
    mentors: list
    capacities: dict
    pins: list
    drops: set
    drop_rules: int

    @property
    def mentee_ids(self):
        return {m.id for m in self.mentees}


def load_cohort(round, report):
    mentees = suggest.load_people(cohort(round), as_mentees=True)
    report(8, _("Loading mentors"))
    mentors = suggest.load_people()
    capacities = {m.id: max(m.capacity, 0) for m in mentors}
    mentee_ids = {m.id for m in mentees}
    rules = list(round.rules.values_list("kind", "mentee_id", "mentor_id"))
    pins = [(i, j) for kind, i, j in rules if kind == RoundRule.Kind.PIN]
    blocked = blocked_pairs()
    check_pins(pins, mentee_ids, capacities, blocked)
    drops = {(i, j) for kind, i, j in rules if kind == RoundRule.Kind.DROP}
    return Cohort(
        mentees=mentees,
        mentors=mentors,
        capacities=capacities,
        pins=pins,
        drops=drops | blocked | {(i, i) for i in mentee_ids},
        drop_rules=len(drops),
    )


def score_pairs(people, weights, report):
    """Every allowed pair's score, reporting progress from 10% to 60%."""
    last = [0]

    def scored(done, total):
        percent = 10 + 50 * done // max(total, 1)
        if percent != last[0]:
            last[0] = percent
            counts = {"done": done, "total": total}
            report(percent, _("Scoring pairs: %(done)d of %(total)d mentees") % counts)

    report(10, _("Scoring pairs"))
    matrix = Matrix(people.mentors, weights)
    return edges_for(people.mentees, matrix, people.drops, progress=scored)


def proposed_pairs(round, people, optimum, scores, weights):
    """The optimum as RoundPair rows, each with the reasons its score has."""
    mentee_by_id = {m.id: m for m in people.mentees}
    mentor_by_id = {m.id: m for m in people.mentors}
    names = suggest.names()
    pinned = dict(people.pins)
    pairs = []
    for (mentee_id, mentor_id), value in zip(optimum.items(), scores, strict=True):
        explained = score(mentee_by_id[mentee_id], mentor_by_id[mentor_id], weights, names)
        reasons = "; ".join(explained.reasons) if explained else ""
        is_pinned = pinned.get(mentee_id) == mentor_id
        if is_pinned:
            reasons = _("pinned by an organiser") + (f"; {reasons}" if reasons else "")
        pairs.append(
            RoundPair(
                round=round,
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                score=value,
                reasons=reasons,
                pinned=is_pinned,
            )
        )
    return pairs


def summarise(people, edges, optimum, scores, best_first, weights):
    top = weights.best()
    return {
        "cohort": len(people.mentees),
        "mentors": sum(1 for c in people.capacities.values() if c > 0),
        "places": sum(people.capacities.values()),
        "pairs_considered": len(edges),
        "pins": len(people.pins),
        "drops": people.drop_rules,
        "optimum": outcome(scores, len(people.mentees), top),
        "greedy": outcome(edges.scores_of(best_first), len(people.mentees), top),
        "unmatched": sorted(people.mentee_ids - set(optimum))[:200],
    }


def store(round, generation, pairs, summary):
    """Keep the proposal, unless a newer computation was asked for meanwhile."""
    with transaction.atomic():
        locked = computing(round.pk, generation).select_for_update()
        if not locked.exists():
            return None  # superseded while computing (the newer run stores its own) or done
        RoundPair.objects.filter(round=round).delete()
        RoundPair.objects.bulk_create(pairs, batch_size=STORE_BATCH)
        locked.update(
            status=MatchingRound.Status.READY,
            progress=100,
            phase="",
            summary=summary,
            computed_at=timezone.now(),
        )
    return summary


def _compute(round, generation):
    def report(progress, phase):
        _report(round.pk, generation, progress, phase)

    weights = MatchingSettings.current().weights()
    people = load_cohort(round, report)
    edges = score_pairs(people, weights, report)
    report(60, _("Finding the best assignment"))
    optimum = assign(edges, people.capacities, people.pins)
    report(80, _("Comparing with best-first"))
    best_first = greedy(edges, people.capacities, people.pins)
    report(85, _("Saving the proposal"))
    scores = edges.scores_of(optimum)
    pairs = proposed_pairs(round, people, optimum, scores, weights)
    return store(
        round, generation, pairs, summarise(people, edges, optimum, scores, best_first, weights)
    )


def publish(round, user):
    """Publish a ready round: its pairs become final, and a background task hands them
    to whoever registered in PUBLISHED (mentorships), recording what they report."""
    with transaction.atomic():
        locked = MatchingRound.objects.select_for_update().get(pk=round.pk)
        if locked.status != MatchingRound.Status.READY:
            raise RoundError(
                _("Only a round that is ready to review can be published (this one is %s).")
                % locked.get_status_display()
            )
        locked.status = MatchingRound.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = user
        locked.outcome = _("Starting the mentorships…")
        locked.save(update_fields=["status", "published_at", "published_by", "outcome"])
        transaction.on_commit(lambda: publish_pairs.enqueue(locked.pk))
    round.refresh_from_db()


@task()
def publish_pairs(round_id):
    """Run the PUBLISHED hooks for a published round; idempotent, so a retry after a
    crash starts only what is missing."""
    round = MatchingRound.objects.get(pk=round_id)
    notes = [note for hook in PUBLISHED if (note := hook(round))]
    MatchingRound.objects.filter(pk=round_id).update(outcome=" ".join(notes) or _("Published."))
