"""Scoring mentors for mentees, and assigning a whole cohort optimally.

Pure functions on plain data: no ORM in here (mentors/suggest.py and the admin feed
it). Three layers, each checked against the one before it in the tests:

- `score(mentee, mentor, weights)`: one pair, with the reasons people read. Reasons
  never mention special-category attributes: this module never receives them.
- `Matrix`: the same rules over arrays, one mentee against every mentor at once
  (NumPy), for suggestions and for building a cohort's graph.
- `assign(...)`: the cohort assignment that maximises the total score within every
  mentor's capacity, exactly, via SciPy's sparse min-weight full bipartite matching
  on the capacity-expanded graph; `greedy(...)` is the "best first" comparison.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

TOPIC_CAP = 3  # shared topics beyond three add nothing more


@dataclass(frozen=True)
class Weights:
    topics: float = 3.0  # per shared topic, up to TOPIC_CAP
    career_field: float = 2.0
    experience: float = 1.5  # mentor ahead of the mentee
    language: float = 1.0
    format: float = 1.0
    time_zone: float = 1.0  # full when in the same zone, nothing at 12 hours apart
    max_hours_apart: float | None = None  # pairs further apart are never proposed

    def best(self):
        """The highest score any pair can reach."""
        return (
            self.topics * TOPIC_CAP
            + self.career_field
            + self.experience
            + self.language
            + self.format
            + self.time_zone
        )


@dataclass(frozen=True)
class Person:
    """A profile as matching sees it. For a mentee, `topics` are their goals and
    `career_field` the field they want a mentor in; for a mentor, their expertise and
    their own field. `utc_offset` is in minutes."""

    id: int
    topics: frozenset = frozenset()
    career_field: int | None = None
    experience: int | None = None
    languages: frozenset = frozenset()
    formats: frozenset = frozenset()
    utc_offset: int = 0
    must: frozenset = frozenset()  # mentees: criteria that must match
    capacity: int = 1  # mentors: places left


@dataclass(frozen=True)
class Names:
    """What reasons call things: {id: name} for topics, languages and formats."""

    topics: dict = field(default_factory=dict)
    languages: dict = field(default_factory=dict)
    formats: dict = field(default_factory=dict)


@dataclass
class Score:
    total: float
    reasons: list = field(default_factory=list)


def hours_apart(a_minutes, b_minutes):
    """Hours between two UTC offsets, the short way round the clock."""
    diff = abs(a_minutes - b_minutes) % 1440
    return min(diff, 1440 - diff) / 60


def score(mentee, mentor, weights=Weights(), names=None):
    """Score and reasons for one pair, or None when the pair may not be proposed
    (a must-match criterion fails, or they are too far apart)."""
    names = names or Names()
    parts, reasons, met = 0.0, [], set()

    shared = mentee.topics & mentor.topics
    if shared:
        met.add("topics")
        parts += weights.topics * min(len(shared), TOPIC_CAP)
        listed = ", ".join(sorted(str(names.topics.get(t, t)) for t in shared))
        reasons.append(f"{len(shared)} shared goal{'s' if len(shared) != 1 else ''}: {listed}")
    if mentee.career_field is not None and mentee.career_field == mentor.career_field:
        met.add("career_field")
        parts += weights.career_field
        reasons.append("same career field")
    if (
        mentee.experience is not None
        and mentor.experience is not None
        and mentor.experience > mentee.experience
    ):
        met.add("experience")
        parts += weights.experience
        gap = mentor.experience - mentee.experience
        reasons.append(f"{gap} experience level{'s' if gap != 1 else ''} ahead")
    languages = mentee.languages & mentor.languages
    if languages:
        met.add("language")
        parts += weights.language
        listed = ", ".join(sorted(str(names.languages.get(lang, lang)) for lang in languages))
        reasons.append(f"both speak {listed}")
    formats = mentee.formats & mentor.formats
    if formats:
        met.add("format")
        parts += weights.format
        listed = ", ".join(sorted(str(names.formats.get(f, f)) for f in formats))
        reasons.append(f"both meet by {listed}")
    apart = hours_apart(mentee.utc_offset, mentor.utc_offset)
    if weights.max_hours_apart is not None and apart > weights.max_hours_apart:
        return None
    closeness = max(0.0, 1 - apart / 12)
    if closeness > 0:
        met.add("time_zone")
        parts += weights.time_zone * closeness
    reasons.append("same time zone" if apart == 0 else f"{apart:g} h apart")
    if not mentee.must <= met:
        return None
    return Score(round(parts, 6), reasons)


class Matrix:
    """Mentors as arrays, scored against one mentee at a time with the same rules as
    `score` (the tests hold the two equal)."""

    def __init__(self, mentors, weights=Weights()):
        self.weights = weights
        self.ids = np.array([m.id for m in mentors], dtype=np.int64)
        topics = sorted({t for m in mentors for t in m.topics})
        languages = sorted({lang for m in mentors for lang in m.languages})
        formats = sorted({f for m in mentors for f in m.formats})
        self.topic_index = {t: i for i, t in enumerate(topics)}
        self.language_index = {lang: i for i, lang in enumerate(languages)}
        self.format_index = {f: i for i, f in enumerate(formats)}
        n = len(mentors)
        self.topics = np.zeros((n, max(len(topics), 1)), dtype=np.int8)
        self.languages = np.zeros((n, max(len(languages), 1)), dtype=np.int8)
        self.formats = np.zeros((n, max(len(formats), 1)), dtype=np.int8)
        for row, mentor in enumerate(mentors):
            self.topics[row, [self.topic_index[t] for t in mentor.topics]] = 1
            self.languages[row, [self.language_index[x] for x in mentor.languages]] = 1
            self.formats[row, [self.format_index[f] for f in mentor.formats]] = 1
        self.career_field = np.array(
            [-1 if m.career_field is None else m.career_field for m in mentors], dtype=np.int64
        )
        self.experience = np.array(
            [-1 if m.experience is None else m.experience for m in mentors], dtype=np.int64
        )
        self.utc_offset = np.array([m.utc_offset for m in mentors], dtype=np.int64)
        self.capacity = np.array([m.capacity for m in mentors], dtype=np.int64)

    def __len__(self):
        return len(self.ids)

    @staticmethod
    def _indicators(sets, index, width):
        """Rows of 0/1 (float32, so the products below run on BLAS)."""
        rows = np.zeros((len(sets), width), dtype=np.float32)
        for r, keys in enumerate(sets):
            rows[r, [index[k] for k in keys if k in index]] = 1
        return rows

    def cells(self, mentees):
        """The allowed pairs of a block of mentees against every mentor, with the same
        rules as `score`: (rows, cols, scores), rows indexing `mentees` and cols the
        mentors. Cheap whole-block masks first; scores only where a pair is allowed."""
        w = self.weights
        count = len(mentees)
        met = {}
        field = np.array([-1 if m.career_field is None else m.career_field for m in mentees])
        met["career_field"] = (field[:, None] >= 0) & (field[:, None] == self.career_field)
        # A mentor with no level is -1, never ahead of a mentee with one.
        level = np.array([-1 if m.experience is None else m.experience for m in mentees])
        met["experience"] = (level[:, None] >= 0) & (self.experience > level[:, None])
        for name, attr, index in (
            ("topics", "topics", self.topic_index),
            ("language", "languages", self.language_index),
            ("format", "formats", self.format_index),
        ):
            theirs = getattr(self, attr)
            mine = self._indicators([getattr(m, attr) for m in mentees], index, theirs.shape[1])
            # Counts of shared entries. Both sides hold only 0 and 1, so no product can
            # be invalid; OpenBLAS can leave the CPU's invalid-operation flag raised
            # all the same (numpy/numpy#24067), which NumPy reports as a warning and the
            # test settings as an error: it happened once in 60 random cohorts.
            with np.errstate(invalid="ignore"):
                met[name] = mine @ theirs.T.astype(np.float32)
        offsets = np.array([m.utc_offset for m in mentees], dtype=np.int64)
        diff = np.abs(self.utc_offset - offsets[:, None]) % 1440
        apart = np.minimum(diff, 1440 - diff)  # minutes
        met["time_zone"] = apart < 720
        allowed = np.ones((count, len(self)), dtype=bool)
        if w.max_hours_apart is not None:
            allowed &= apart <= w.max_hours_apart * 60
        for criterion, hits in met.items():
            requires = np.array([criterion in m.must for m in mentees], dtype=bool)
            if requires.any():
                allowed &= (hits > 0) | ~requires[:, None]
        rows, cols = np.nonzero(allowed)
        shared = met["topics"][rows, cols].astype(np.int64)
        total = (
            w.topics * np.minimum(shared, TOPIC_CAP)
            + w.career_field * met["career_field"][rows, cols]
            + w.experience * met["experience"][rows, cols]
            + w.language * (met["language"][rows, cols] > 0)
            + w.format * (met["format"][rows, cols] > 0)
            + w.time_zone * np.maximum(0.0, 1 - apart[rows, cols] / 60 / 12)
        )
        return rows, cols, np.round(total, 6)

    def scores_many(self, mentees):
        """Scores of every mentor for each mentee: one row per mentee, NaN where the
        pair is not allowed."""
        rows, cols, totals = self.cells(mentees)
        scores = np.full((len(mentees), len(self)), np.nan)
        scores[rows, cols] = totals
        return scores

    def scores(self, mentee):
        """Scores of every mentor for `mentee`; NaN where the pair is not allowed."""
        return self.scores_many([mentee])[0]

    def top(self, mentee, k=5, exclude=()):
        """The k best mentors with places left: [(mentor id, score)], best first,
        ties broken by id so the order is stable."""
        scores = self.scores(mentee)
        scores[self.capacity <= 0] = np.nan
        if exclude:
            scores[np.isin(self.ids, list(exclude))] = np.nan
        candidates = np.flatnonzero(~np.isnan(scores))
        if len(candidates) > k:
            # A partition finds the k best without sorting everyone.
            kth = np.partition(scores[candidates], len(candidates) - k)[len(candidates) - k]
            candidates = candidates[scores[candidates] >= kth]
        order = sorted(candidates, key=lambda i: (-scores[i], self.ids[i]))[:k]
        return [(int(self.ids[i]), float(scores[i])) for i in order]


@dataclass
class Edges:
    """The allowed pairs of a cohort as three parallel arrays."""

    mentees: np.ndarray
    mentors: np.ndarray
    scores: np.ndarray

    @classmethod
    def of(cls, triples):
        triples = list(triples)
        return cls(
            np.array([t[0] for t in triples], dtype=np.int64),
            np.array([t[1] for t in triples], dtype=np.int64),
            np.array([t[2] for t in triples], dtype=np.float64),
        )

    def __len__(self):
        return len(self.scores)

    def keep(self, mask):
        return Edges(self.mentees[mask], self.mentors[mask], self.scores[mask])

    def lookup(self):
        return {
            (i, j): s
            for i, j, s in zip(
                self.mentees.tolist(), self.mentors.tolist(), self.scores.tolist(), strict=True
            )
        }

    def scores_of(self, pairs):
        """Scores of {mentee: mentor} pairs, in their order; 0 for a pair not here."""
        if not pairs or not len(self):
            return [0.0] * len(pairs)
        keys = _pair_keys(self.mentees, self.mentors)
        order = np.argsort(keys)
        wanted = _pair_keys(list(pairs.keys()), list(pairs.values()))
        at = np.minimum(np.searchsorted(keys, wanted, sorter=order), len(keys) - 1)
        found = keys[order[at]] == wanted
        return np.where(found, self.scores[order[at]], 0.0).tolist()


def _pair_keys(mentees, mentors):
    """One int64 per (mentee, mentor) pair of ids (ids below 2**31)."""
    return (np.asarray(mentees, dtype=np.int64) << 32) | np.asarray(mentors, dtype=np.int64)


def edges_for(mentees, matrix, drops=frozenset(), block=256, progress=None):
    """Every allowed pair of a cohort (score above zero), from the arrays, scored a
    block of mentees at a time. `progress(done, total)` is called after each block."""
    parts_i, parts_j, parts_s = [], [], []
    mentees = list(mentees)
    for start in range(0, len(mentees), block):
        chunk = mentees[start : start + block]
        rows, cols, scores = matrix.cells(chunk)
        positive = scores > 0
        parts_i.append(np.array([m.id for m in chunk], dtype=np.int64)[rows[positive]])
        parts_j.append(matrix.ids[cols[positive]])
        parts_s.append(scores[positive])
        if progress:
            progress(start + len(chunk), len(mentees))
    if not parts_i:
        return Edges.of([])
    edges = Edges(np.concatenate(parts_i), np.concatenate(parts_j), np.concatenate(parts_s))
    if drops:
        pairs = np.array(sorted(drops), dtype=np.int64).reshape(-1, 2)
        dropped = np.isin(_pair_keys(edges.mentees, edges.mentors), _pair_keys(*pairs.T))
        edges = edges.keep(~dropped)
    return edges


def _apply_pins(edges, capacities, pins):
    capacities = dict(capacities)
    result = {}
    for mentee, mentor in pins:
        result[mentee] = mentor
        capacities[mentor] = capacities.get(mentor, 0) - 1
    if len(edges):
        pinned = np.isin(edges.mentees, list(result))
        no_place = [mentor for mentor, places in capacities.items() if places <= 0]
        no_place += list(set(np.unique(edges.mentors).tolist()) - capacities.keys())
        full = np.isin(edges.mentors, no_place)
        edges = edges.keep(~pinned & ~full)
    return edges, capacities, result


def assign(edges, capacities, pins=()):
    """The assignment maximising the total score: {mentee: mentor}.

    `edges` the allowed pairs (scores above zero); `capacities` {mentor: places};
    `pins` (mentee, mentor) pairs the organiser fixed, which take their place first.
    Each mentor becomes one vertex per place; each mentee also gets a private dummy
    vertex ("unmatched") so a full matching always exists; costs are C - score + 1
    (C the largest score) so every edge weighs strictly more than zero, which SciPy
    needs (it drops zero-weight entries), and a mentee's dummy costs C + 1, as a score
    of nothing. Every mentee is matched exactly once, so minimising the total cost
    maximises the total score.
    """
    edges, capacities, result = _apply_pins(edges, capacities, pins)
    if not len(edges):
        return result
    top = float(edges.scores.max())
    # Groups of people with no allowed pair between them (a must-match career field
    # splits a cohort into one group per field) are independent problems: solved
    # apart, each is far smaller, and the sum of their optima is the optimum.
    mentees, row = np.unique(edges.mentees, return_inverse=True)
    mentors, col = np.unique(edges.mentors, return_inverse=True)
    size = len(mentees) + len(mentors)
    links = csr_array((np.ones(len(edges)), (row, len(mentees) + col)), shape=(size, size))
    count, labels = connected_components(links, directed=False)
    group = labels[row]
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(count + 1))
    for k in range(count):
        part = order[bounds[k] : bounds[k + 1]]
        if len(part):
            result.update(_assign_connected(edges.keep(part), capacities, top))
    return result


def _assign_connected(edges, capacities, top):
    """`assign` for one connected group (see there): the capacity-expanded graph."""
    mentees, row = np.unique(edges.mentees, return_inverse=True)
    mentors, mentor_col = np.unique(edges.mentors, return_inverse=True)
    places = np.array([capacities[int(m)] for m in mentors], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(places)[:-1]])
    slots = int(places.sum())
    repeats = places[mentor_col]
    rows = np.repeat(row, repeats)
    within = np.arange(repeats.sum()) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    cols = np.repeat(first[mentor_col], repeats) + within
    costs = np.repeat(top - edges.scores + 1, repeats)
    n = len(mentees)
    graph = csr_array(
        (
            np.concatenate([costs, np.full(n, top + 1)]),
            (np.concatenate([rows, np.arange(n)]), np.concatenate([cols, slots + np.arange(n)])),
        ),
        shape=(n, slots + n),
    )
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    owner = np.repeat(mentors, places)
    real = matched_cols < slots
    return {
        int(mentees[r]): int(owner[c])
        for r, c in zip(matched_rows[real], matched_cols[real], strict=True)
    }


def greedy(edges, capacities, pins=()):
    """Best first: the highest-scoring pair whose mentee is free and whose mentor has
    a place, again and again. What first-come systems approximate at best."""
    edges, capacities, result = _apply_pins(edges, capacities, pins)
    order = np.lexsort((edges.mentors, edges.mentees, -edges.scores))
    wanted = len(np.unique(edges.mentees))
    for i, j in zip(edges.mentees[order].tolist(), edges.mentors[order].tolist(), strict=True):
        if i not in result and capacities.get(j, 0) > 0:
            result[i] = j
            capacities[j] -= 1
            wanted -= 1
            if not wanted:
                break
    return result


def total_score(pairs, edges):
    if isinstance(edges, Edges):
        return round(sum(edges.scores_of(pairs)), 6)
    return round(sum(edges.get((i, j), 0.0) for i, j in pairs.items()), 6)
