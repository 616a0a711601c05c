"""A mentee's best five mentors, with reasons, from arrays kept in each process.

Every mentor who can be suggested is loaded once into a `matching.Matrix` (a handful
of queries, whatever the number of mentors) and kept under the mentors' version stamp
(mentoring_hub/cache.py), bumped after any change that could alter a score or the
directory: each process rebuilds when it changes, and the directory's stored public
pages are keyed on it too. A request then costs one cache read, the block list, and
the five profiles it shows.
"""

from django.db.models import Q

from mentoring_hub.cache import VersionStamp
from mentors.matching import Matrix, Names, Person, score
from mentors.models import Block, Language, MatchingSettings, Profile, Topic

# The mentors' version stamp: suggestion arrays and the directory's stored public pages
# are only ever used under the stamp they were built with.
version = VersionStamp("mentors")
# Marks every process's arrays stale, once the current transaction commits.
bump = version.bump
# Other apps (mentorships) register callables returning {profile id: places taken}.
PLACES_TAKEN = []


def matrix_changed(**kwargs):
    """Receiver (see MentorsConfig.ready()): a saved or deleted row can change suggestions."""
    bump()


def account_changed(instance, update_fields=None, **kwargs):
    """A deactivated or reactivated account leaves or rejoins the directory; a sign-in
    (which saves last_login only) changes nothing there."""
    if update_fields is None or "is_active" in update_fields:
        matrix_changed()


def formats_of(row):
    return frozenset(fmt for fmt, name in Profile.FORMAT_FIELDS.items() if row[name])


def candidate_mentors():
    """Mentors who may be suggested at all: accepting, findable, active."""
    return Profile.objects.accepting().filter(
        visibility__in=[Profile.Visibility.PUBLIC, Profile.Visibility.MEMBERS],
        user__is_active=True,
    )


def places_taken(ids):
    """{mentor profile id: places taken} from every registered source."""
    taken = {}
    for source in PLACES_TAKEN:
        for profile_id, n in source(ids).items():
            taken[profile_id] = taken.get(profile_id, 0) + n
    return taken


def load_people(profiles=None, as_mentees=False):
    """[Person] for `profiles` (every candidate mentor by default) in four queries,
    whatever their number. Mentors come with their places left, mentees with their
    goals as topics and their must-match criteria."""
    if profiles is None:
        profiles = candidate_mentors()
    fields = ["id", "career_field_id", "experience", "utc_offset", "capacity", "must_match"]
    rows = list(profiles.values(*fields, *Profile.FORMAT_FIELDS.values()))
    ids = [row["id"] for row in rows]
    topics, languages = {}, {}
    topic_field = Profile.goals if as_mentees else Profile.expertise
    through = topic_field.through.objects.filter(profile_id__in=ids)
    for profile_id, topic_id in through.values_list("profile_id", "topic_id"):
        topics.setdefault(profile_id, set()).add(topic_id)
    through = Profile.languages.through.objects.filter(profile_id__in=ids)
    for profile_id, language_id in through.values_list("profile_id", "language_id"):
        languages.setdefault(profile_id, set()).add(language_id)
    taken = {} if as_mentees else places_taken(ids)
    return [
        Person(
            id=row["id"],
            topics=frozenset(topics.get(row["id"], ())),
            career_field=row["career_field_id"],
            experience=row["experience"],
            languages=frozenset(languages.get(row["id"], ())),
            formats=formats_of(row),
            utc_offset=row["utc_offset"],
            must=frozenset(row["must_match"]) if as_mentees else frozenset(),
            capacity=0 if as_mentees else row["capacity"] - taken.get(row["id"], 0),
        )
        for row in rows
    ]


def names():
    return Names(
        topics=dict(Topic.objects.values_list("id", "name")),
        languages=dict(Language.objects.values_list("id", "name")),
        formats={fmt.value: fmt.label.lower() for fmt in Profile.Format},
    )


@version.memo
def built():
    """(matrix, {id: Person}, Names, weights) for the current version."""
    weights = MatchingSettings.current().weights()
    people = load_people()
    return Matrix(people, weights), {p.id: p for p in people}, names(), weights


def forget():
    """Drop this process's arrays: the next suggestion rebuilds them (tests, bench/)."""
    built.forget()


def as_mentee(profile):
    """The profile as matching sees a mentee: their goals, field, and must-matches."""
    return Person(
        id=profile.pk,
        topics=frozenset(t.pk for t in profile.goals.all()),
        career_field=profile.career_field_id,
        experience=profile.experience,
        languages=frozenset(language.pk for language in profile.languages.all()),
        formats=frozenset(profile.formats),
        utc_offset=profile.utc_offset,
        must=frozenset(profile.must_match),
    )


def suggestions(profile, k=5):
    """[(mentor Profile, Score)] best first: mentors with places left, never the
    person themselves, never across a block."""
    matrix, people, names, weights = built()
    mentee = as_mentee(profile)
    blocks = Block.objects.filter(Q(blocker=profile.user_id) | Q(blocked=profile.user_id))
    blocked_users = {uid for pair in blocks.values_list("blocker", "blocked") for uid in pair}
    blocked_users.discard(profile.user_id)
    exclude = {profile.pk}
    if blocked_users:
        exclude |= set(
            Profile.objects.filter(user_id__in=blocked_users).values_list("id", flat=True)
        )
    top = matrix.top(mentee, k, exclude)
    profiles = Profile.objects.select_related("career_field").prefetch_related("expertise")
    found = profiles.in_bulk([mentor_id for mentor_id, _score in top])
    return [
        (found[mentor_id], score(mentee, people[mentor_id], weights, names))
        for mentor_id, _value in top
        if mentor_id in found  # not deleted since the arrays were built
    ]
