"""mentors/matching.py: scoring rules and reasons, the array form, and the optimum."""

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from mentors.matching import (
    Edges,
    Matrix,
    Names,
    Person,
    Weights,
    assign,
    edges_for,
    greedy,
    score,
    total_score,
)

NAMES = Names(
    topics={1: "Leadership", 2: "Writing", 3: "PME", 4: "Negotiation"},
    languages={"es": "Spanish"},
    formats={"video": "video call"},
)


def mentee(**kwargs):
    kwargs.setdefault("id", 1)
    return Person(**kwargs)


def mentor(**kwargs):
    kwargs.setdefault("id", 100)
    return Person(**kwargs)


# -- One pair -------------------------------------------------------------------------------


def test_a_good_pair_scores_every_criterion_with_reasons():
    result = score(
        mentee(
            topics=frozenset({1, 2, 3}),
            career_field=7,
            experience=2,
            languages=frozenset({"es"}),
            formats=frozenset({"video"}),
            utc_offset=-300,
        ),
        mentor(
            topics=frozenset({1, 2, 3, 4}),
            career_field=7,
            experience=4,
            languages=frozenset({"es", "en"}),
            formats=frozenset({"video", "phone"}),
            utc_offset=-420,
        ),
        names=NAMES,
    )
    w = Weights()
    expected = 3 * w.topics + w.career_field + w.experience + w.language + w.format
    assert result.total == pytest.approx(expected + w.time_zone * (1 - 2 / 12))
    assert result.reasons == [
        "3 shared goals: Leadership, PME, Writing",
        "same career field",
        "2 experience levels ahead",
        "both speak Spanish",
        "both meet by video call",
        "2 h apart",
    ]


def test_shared_topics_count_up_to_three():
    four = score(mentee(topics=frozenset({1, 2, 3, 4})), mentor(topics=frozenset({1, 2, 3, 4})))
    three = score(mentee(topics=frozenset({1, 2, 3})), mentor(topics=frozenset({1, 2, 3})))
    assert four.total == three.total


def test_a_mentor_behind_or_level_earns_nothing_for_experience():
    level = score(mentee(experience=3), mentor(experience=3))
    behind = score(mentee(experience=3), mentor(experience=2))
    assert level.total == behind.total == Weights().time_zone
    assert not any("experience" in r for r in level.reasons)


def test_time_zone_distance_goes_the_short_way_round_the_clock():
    result = score(mentee(utc_offset=13 * 60), mentor(utc_offset=-11 * 60))  # Tonga vs Samoa
    assert "0 h apart" not in result.reasons[-1]
    assert result.reasons[-1] == "same time zone"


@pytest.mark.parametrize(
    "criterion", ["topics", "career_field", "experience", "language", "format"]
)
def test_a_must_match_criterion_that_fails_rules_the_pair_out(criterion):
    person = mentee(must=frozenset({criterion}), career_field=1, experience=1)
    assert score(person, mentor(career_field=2, experience=1)) is None
    good = mentor(
        topics=frozenset({1}),
        career_field=1,
        experience=2,
        languages=frozenset({"en"}),
        formats=frozenset({"video"}),
    )
    person = mentee(
        must=frozenset({criterion}),
        topics=frozenset({1}),
        career_field=1,
        experience=1,
        languages=frozenset({"en"}),
        formats=frozenset({"video"}),
    )
    assert score(person, good) is not None


def test_the_time_zone_cap_rules_out_pairs_too_far_apart():
    capped = Weights(max_hours_apart=3)
    assert score(mentee(utc_offset=0), mentor(utc_offset=180), capped) is not None
    assert score(mentee(utc_offset=0), mentor(utc_offset=240), capped) is None


def test_reasons_cannot_mention_what_matching_is_never_given():
    # Person has no field for special-category data: they cannot reach a reason.
    assert not {"race", "ethnicity", "efmp", "gender"} & set(Person.__dataclass_fields__)


# -- The array form equals the rules --------------------------------------------------------

people = st.builds(
    Person,
    id=st.integers(1, 10_000),
    topics=st.frozensets(st.integers(1, 6), max_size=4),
    career_field=st.one_of(st.none(), st.integers(1, 3)),
    experience=st.one_of(st.none(), st.integers(1, 5)),
    languages=st.frozensets(st.sampled_from(["en", "es", "fr"]), max_size=2),
    formats=st.frozensets(st.sampled_from(["video", "phone", "chat"]), max_size=2),
    utc_offset=st.integers(-12, 14).map(lambda h: h * 60),
    must=st.frozensets(st.sampled_from(["topics", "career_field", "language"]), max_size=1),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(people, min_size=1, max_size=8), people, st.one_of(st.none(), st.integers(1, 12)))
def test_matrix_scores_equal_the_single_pair_rules(mentors, someone, cap):
    weights = Weights(max_hours_apart=cap)
    scores = Matrix(mentors, weights).scores(someone)
    for j, m in enumerate(mentors):
        expected = score(someone, m, weights)
        if expected is None:
            assert np.isnan(scores[j])
        else:
            assert scores[j] == pytest.approx(expected.total)


def test_top_five_respects_places_left_and_exclusions():
    mentors = [
        mentor(id=100 + n, topics=frozenset(range(1, 1 + n % 4)), capacity=0 if n == 3 else 1)
        for n in range(10)
    ]
    matrix = Matrix(mentors)
    someone = mentee(topics=frozenset({1, 2, 3}))
    best = matrix.top(someone, exclude={107})
    ids = [mentor_id for mentor_id, _s in best]
    assert len(ids) == 5
    assert 103 not in ids  # no places left
    assert 107 not in ids  # blocked
    assert [s for _i, s in best] == sorted((s for _i, s in best), reverse=True)


# -- The optimum ------------------------------------------------------------------------------


def brute_force(edges, capacities):
    """Try every way of giving each mentee one of their mentors or nobody."""
    options = {}
    for i, j, s in edges:
        options.setdefault(i, []).append((j, s))
    mentees = sorted(options)
    best = 0.0
    for choice in itertools.product(*[[None, *options[i]] for i in mentees]):
        used = {}
        for pick in choice:
            if pick is not None:
                used[pick[0]] = used.get(pick[0], 0) + 1
        if all(n <= capacities[j] for j, n in used.items()):
            best = max(best, sum(pick[1] for pick in choice if pick is not None))
    return round(best, 6)


small_cohorts = st.integers(1, 5).flatmap(
    lambda n_mentees: st.integers(1, 3).flatmap(
        lambda n_mentors: st.tuples(
            st.lists(
                st.tuples(
                    st.integers(0, n_mentees - 1),
                    st.integers(0, n_mentors - 1),
                    st.integers(1, 20),
                ),
                max_size=n_mentees * n_mentors,
                unique_by=lambda e: (e[0], e[1]),
            ),
            st.lists(st.integers(1, 2), min_size=n_mentors, max_size=n_mentors),
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(small_cohorts)
def test_assignment_is_optimal_against_brute_force(cohort):
    triples, places = cohort
    edges = Edges.of([(i, 1000 + j, float(s)) for i, j, s in triples])
    capacities = {1000 + j: n for j, n in enumerate(places)}
    pairs = assign(edges, capacities)
    used = {}
    for mentor_id in pairs.values():
        used[mentor_id] = used.get(mentor_id, 0) + 1
    assert all(n <= capacities[j] for j, n in used.items())
    assert all((i, j) in edges.lookup() for i, j in pairs.items())
    assert total_score(pairs, edges) == brute_force(
        [(i, 1000 + j, float(s)) for i, j, s in triples], capacities
    )
    assert total_score(greedy(edges, capacities), edges) <= total_score(pairs, edges)


def dense_optimum(edges, capacities):
    """An independent solver: SciPy's dense Hungarian-style assignment on the
    capacity-expanded matrix, with a "nobody" column for each mentee."""
    mentees = sorted(set(edges.mentees.tolist()))
    slots = [j for j in sorted(capacities) for _ in range(capacities[j])]
    forbidden = -1e9
    matrix = np.full((len(mentees), len(slots) + len(mentees)), forbidden)
    lookup = edges.lookup()
    for r, i in enumerate(mentees):
        for c, j in enumerate(slots):
            if (i, j) in lookup:
                matrix[r, c] = lookup[i, j]
        matrix[r, len(slots) + r] = 0.0
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return round(float(matrix[rows, cols].sum()), 6)


@pytest.mark.parametrize("seed", range(5))
def test_assignment_matches_an_independent_solver_on_medium_cohorts(seed):
    rng = random.Random(seed)
    mentors = [
        Person(
            id=10_000 + j,
            topics=frozenset(rng.sample(range(12), 3)),
            career_field=rng.randrange(4),
            experience=rng.randint(2, 5),
            capacity=rng.randint(1, 3),
            utc_offset=rng.choice([-480, -300, 0, 60]),
        )
        for j in range(25)
    ]
    mentees = [
        Person(
            id=j,
            topics=frozenset(rng.sample(range(12), 3)),
            career_field=rng.randrange(4),
            experience=rng.randint(1, 3),
            must=frozenset({"topics"}),
            utc_offset=rng.choice([-480, -300, 0, 60]),
        )
        for j in range(80)
    ]
    matrix = Matrix(mentors, Weights(max_hours_apart=6))
    edges = edges_for(mentees, matrix)
    capacities = {m.id: m.capacity for m in mentors}
    optimum = assign(edges, capacities)
    assert total_score(optimum, edges) == pytest.approx(dense_optimum(edges, capacities))
    assert total_score(greedy(edges, capacities), edges) <= total_score(optimum, edges)


def test_pins_are_kept_and_drops_never_proposed():
    edges = Edges.of([(1, 10, 9.0), (2, 10, 8.0), (2, 11, 1.0), (3, 11, 5.0)])
    capacities = {10: 1, 11: 1}
    assert assign(edges, capacities) == {1: 10, 3: 11}
    # Pinning mentee 2 to mentor 10 takes that place; the rest is optimised around it.
    assert assign(edges, capacities, pins=[(2, 10)]) == {2: 10, 3: 11}
    dropped = edges.keep(~((edges.mentees == 3) & (edges.mentors == 11)))
    assert assign(dropped, capacities) == {1: 10, 2: 11}


def test_greedy_can_lose_what_the_optimum_keeps():
    # Best first gives mentor 10 to mentee 1 (score 10) and leaves mentee 2 with nobody;
    # the optimum gives 1 the other mentor and scores 9 + 8 = 17 over 10 + 0.
    edges = Edges.of([(1, 10, 10.0), (1, 11, 9.0), (2, 10, 8.0)])
    capacities = {10: 1, 11: 1}
    assert greedy(edges, capacities) == {1: 10}
    assert assign(edges, capacities) == {1: 11, 2: 10}
