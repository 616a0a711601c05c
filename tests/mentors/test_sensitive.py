"""Special-category attributes: each choice against every place it could leak, the
search guards, consent records and the organisers' suppressed counts."""

import re
from datetime import timedelta
from fractions import Fraction

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import User
from mentors import sensitive
from mentors.models import CareerField, ConsentRecord, Profile, SensitiveAttribute
from tests.factories import make_event, make_member, make_profile

pytestmark = pytest.mark.django_db

# Distinctive labels: if one of these appears where it should not, it leaked.
RACE = ("native_hawaiian_pacific_islander", "Native Hawaiian or Other Pacific Islander")
EFMP = ("enrolled", "My family is enrolled in EFMP")
SEARCH, SHOWN, NOT_USED = sensitive.Use.SEARCH, sensitive.Use.SHOWN, sensitive.Use.NOT_USED


def field(name="Space operations"):
    return CareerField.objects.get(name=name)


def results(html):
    """The result cards of a directory page (the filter menus list every value)."""
    match = re.search(r'<ul class="card-list">(.*?)</ul>', html, re.S)
    return match[1] if match else ""


def directory(client, **params):
    return client.get("/mentors/", params).content.decode()


def aged(*profiles, days=31):
    """Members of `days` standing, their values set as long ago: they count toward
    the small-number rule (sensitive.ESTABLISHED)."""
    then = timezone.now() - timedelta(days=days)
    users = [profile.user_id for profile in profiles]
    User.objects.filter(pk__in=users).update(date_joined=then)
    SensitiveAttribute.objects.filter(profile__in=profiles).update(consented_at=then)
    return list(profiles)


def mentors_sharing(n, use, value=RACE[0], **kwargs):
    """n established mentors sharing `value` as their race, in the test's career field."""
    kwargs.setdefault("career_field", field())
    sharers = [
        make_profile(display_name=f"Sharer {i}", sensitive={"race": (value, use)}, **kwargs)
        for i in range(n)
    ]
    return aged(*sharers)


# -- The owner's choices ------------------------------------------------------------------


def test_the_consent_page_explains_search_only_plainly_and_defaults_to_not_used(client):
    profile = make_profile()
    client.force_login(profile.user)
    page = client.get("/me/profile/sensitive/").content.decode()
    assert "a signed-in member who filters on it can find you" in page
    assert "can infer it about you" in page
    for kind in sensitive.Kind:
        assert (
            f'name="{kind.value}_use" value="not_used" required id="id_{kind.value}_use_0" checked'
            in page
        )
    assert "Prefer not to say" in page


def test_each_choice_is_stored_and_recorded_with_its_date(client, time_machine):
    profile = make_profile()
    time_machine.move_to("2027-01-05 10:00Z", tick=False)
    client.force_login(profile.user)
    form = {"efmp_value": EFMP[0], "efmp_use": SEARCH, "race_use": NOT_USED}
    form |= {"ethnicity_use": NOT_USED, "gender_value": "woman", "gender_use": SHOWN}
    assert client.post("/me/profile/sensitive/", form)["Location"] == "/me/profile/sensitive/"
    stored = {
        a.kind: (a.value, a.use, a.consented_at.isoformat())
        for a in SensitiveAttribute.objects.all()
    }
    assert stored == {
        "efmp": ("enrolled", "search", "2027-01-05T10:00:00+00:00"),
        "gender": ("woman", "shown", "2027-01-05T10:00:00+00:00"),
    }
    # Saving the same choices again records nothing new.
    client.post("/me/profile/sensitive/", form)
    assert ConsentRecord.objects.count() == 2

    time_machine.move_to("2027-02-01 08:00Z", tick=False)
    client.force_login(profile.user)
    client.post("/me/profile/sensitive/", form | {"efmp_use": NOT_USED})
    # "Not used" deletes the value, not merely hides it.
    assert not SensitiveAttribute.objects.filter(kind="efmp").exists()
    records = [
        (r.kind, r.use, r.recorded_at.date().isoformat()) for r in ConsentRecord.objects.all()
    ]
    assert records == [
        ("efmp", "search", "2027-01-05"),
        ("gender", "shown", "2027-01-05"),
        ("efmp", "not_used", "2027-02-01"),
    ]
    page = client.get("/me/profile/sensitive/").content.decode()
    assert "5 January 2027" in page and "1 February 2027" in page


def test_a_use_without_a_value_or_an_unknown_value_is_refused_and_changes_nothing(client):
    profile = make_profile(sensitive={"gender": ("woman", SHOWN)})
    client.force_login(profile.user)
    base = {f"{kind.value}_use": NOT_USED for kind in sensitive.Kind}
    for bad in (
        {"race_use": SEARCH},
        {"race_use": SEARCH, "race_value": "martian"},
        {"race_use": "everyone", "race_value": RACE[0]},
    ):
        response = client.post("/me/profile/sensitive/", base | bad)
        assert response.status_code == 200 and "Nothing was saved" in response.content.decode()
    assert list(SensitiveAttribute.objects.values_list("kind", "value")) == [("gender", "woman")]
    assert ConsentRecord.objects.count() == 1


# -- Every place it could leak ------------------------------------------------------------


@pytest.mark.parametrize("use", [NOT_USED, SEARCH, SHOWN])
def test_attributes_appear_on_the_profile_only_when_shown_and_only_to_members(client, use):
    profile = make_profile(
        visibility="public",
        sensitive={"race": (RACE[0], use), "efmp": (EFMP[0], use)},
        career_field=field(),
    )
    anonymous = client.get(profile.get_absolute_url()).content.decode()
    assert RACE[1] not in anonymous and EFMP[1] not in anonymous
    client.force_login(make_member())
    member = client.get(profile.get_absolute_url()).content.decode()
    assert (RACE[1] in member) == (use == SHOWN)
    assert (EFMP[1] in member) == (use == SHOWN)


@pytest.mark.parametrize("use", [SEARCH, SHOWN])
def test_attributes_never_appear_in_directory_results_feeds_or_other_pages(client, use):
    from events.models import Registration

    sharers = mentors_sharing(6, use, visibility="public")
    event = make_event()
    Registration.objects.create(event=event, user=sharers[0].user)
    viewer = make_member()
    client.force_login(viewer)
    pages = {
        "directory": results(directory(client)),
        "directory filtered": results(directory(client, career_field=field().pk, race=RACE[0])),
        "home": client.get("/").content.decode(),
        "agenda": client.get("/events/").content.decode(),
        "session": client.get(event.get_absolute_url()).content.decode(),
        "feed.ics": client.get("/events/feed.ics").content.decode(),
        "feed.json": client.get("/events/feed.json").content.decode(),
    }
    assert "Sharer 0" in pages["directory filtered"]  # the search works ...
    for name, text in pages.items():
        assert RACE[1] not in text, name  # ... and never says why
        assert RACE[0] not in text.replace(f"race={RACE[0]}", ""), name
    # The sharer's own personal feed and page do not carry it either.
    client.force_login(sharers[0].user)
    from events.models import FeedToken

    feed = client.get(FeedToken.for_user(sharers[0].user).get_absolute_url()).content.decode()
    assert RACE[1] not in feed


@pytest.mark.parametrize("use", [SEARCH, SHOWN])
def test_organisers_admin_forms_and_lists_never_show_them(organiser_client, use):
    profile = mentors_sharing(1, use)[0]
    pages = [
        organiser_client.get("/admin/mentors/profile/").content.decode(),
        organiser_client.get(f"/admin/mentors/profile/{profile.pk}/change/").content.decode(),
        organiser_client.get(f"/admin/accounts/user/{profile.user.pk}/change/").content.decode(),
        organiser_client.get("/admin/").content.decode(),
    ]
    for page in pages:
        assert RACE[1] not in page and RACE[0] not in page
    # Not even a way in: the models are not in the admin and organisers have no rights.
    assert organiser_client.get("/admin/mentors/sensitiveattribute/").status_code == 404
    assert organiser_client.get("/admin/mentors/consentrecord/").status_code == 404
    assert not organiser_client.user.has_perm("mentors.view_sensitiveattribute")
    # Nor by filtering the profile list on them through the URL (a lookup the list
    # does not offer is refused outright).
    listing = organiser_client.get(
        "/admin/mentors/profile/", {"sensitive_attributes__value": RACE[0]}
    )
    assert listing.status_code == 400 and "Sharer 0" not in listing.content.decode()


def test_another_members_export_never_includes_them(client):
    from accounts import personal_data

    mentors_sharing(1, SHOWN)
    other = make_member()
    assert RACE[0] not in str(personal_data.export(other))


# -- Search guards ----------------------------------------------------------------------


def test_anonymous_visitors_get_no_sensitive_filters_and_passing_one_does_nothing(client):
    mentors_sharing(6, SEARCH, visibility="public")
    make_profile(display_name="Other Olu", career_field=field(), visibility="public")
    page = directory(client)
    assert 'name="race"' not in page and RACE[1] not in page
    page = directory(client, career_field=field().pk, race=RACE[0])
    assert "Only signed-in members with a verified email address" in page
    assert "Other Olu" in results(page)  # the filter was left out, not applied


def test_unverified_members_cannot_use_them(client):
    mentors_sharing(6, SEARCH)
    make_profile(display_name="Other Olu", career_field=field())
    client.force_login(make_member(verified=False))
    page = directory(client, career_field=field().pk, race=RACE[0])
    assert 'name="race"' not in page
    assert "Other Olu" in results(page)


def test_a_sensitive_filter_needs_another_criterion(client):
    mentors_sharing(6, SEARCH)
    client.force_login(make_member())
    page = directory(client, race=RACE[0])
    assert "add at least one other filter too" in page
    assert results(page) == ""


@pytest.mark.parametrize(("sharing", "shown"), [(4, False), (5, True)])
def test_fewer_than_five_matches_show_nobody(client, sharing, shown):
    mentors_sharing(sharing, SEARCH)
    client.force_login(make_member())
    page = directory(client, career_field=field().pk, race=RACE[0])
    assert ("Sharer 0" in results(page)) == shown
    assert ("Broaden your search" in page) == (not shown)
    assert (f"{sharing} mentors" in page) == shown  # not even a count when withheld


def test_only_consented_uses_match_and_the_searcher_is_not_counted(client):
    mentors_sharing(4, SEARCH)
    mentors_sharing(1, SHOWN)
    make_profile(display_name="Not used", career_field=field())  # no value stored at all
    aged(
        make_profile(
            display_name="Hidden",
            career_field=field(),
            visibility="hidden",
            sensitive={"race": (RACE[0], SEARCH)},
        )
    )
    [searcher] = aged(make_profile(career_field=field(), sensitive={"race": (RACE[0], SEARCH)}))
    client.force_login(searcher.user)
    page = results(directory(client, career_field=field().pk, race=RACE[0]))
    assert page.count("Sharer") == 5
    assert "Not used" not in page and "Hidden" not in page


@pytest.mark.parametrize("sybils", ["new accounts", "old accounts claiming it today"])
def test_four_accounts_made_to_match_a_member_do_not_unmask_them(client, sybils):
    """The attack in the threat model: the target alone matches "Tess" in this field;
    four look-alike accounts claiming the value used to make five, and showed her."""
    aged(
        make_profile(
            display_name="Tess Target", career_field=field(), sensitive={"race": (RACE[0], SEARCH)}
        )
    )
    for i in range(4):
        lookalike = make_profile(display_name=f"Tess {i}", career_field=field())
        if sybils == "old accounts claiming it today":
            aged(lookalike)
        lookalike.set_sensitive("race", RACE[0], SEARCH)
    client.force_login(make_member())
    page = directory(client, q="Tess", career_field=field().pk, race=RACE[0])
    assert results(page) == "" and "Broaden your search" in page
    assert "at least 5 mentors who have been members for a month or more match" in page
    # A month on, the look-alikes count like anyone: the rule is about people, not age.
    aged(*Profile.objects.filter(display_name__startswith="Tess "))
    page = directory(client, q="Tess", career_field=field().pk, race=RACE[0])
    assert "Tess Target" in results(page)


def test_prefer_not_to_say_is_not_a_group_anyone_can_search_for(client):
    mentors_sharing(6, SEARCH, value=sensitive.PREFER_NOT_TO_SAY)
    client.force_login(make_member())
    page = directory(client, career_field=field().pk, race=sensitive.PREFER_NOT_TO_SAY)
    assert "Select a valid choice" in page and results(page) == ""


def test_blocked_people_are_not_counted_or_shown(client):
    from mentors.models import Block

    sharers = mentors_sharing(5, SEARCH)
    viewer = make_member()
    Block.objects.create(blocker=sharers[0].user, blocked=viewer)
    client.force_login(viewer)
    page = directory(client, career_field=field().pk, race=RACE[0])
    assert results(page) == "" and "Broaden your search" in page


# -- Organisers' counts ---------------------------------------------------------------------


def published(table):
    return sensitive.suppress(table)


def test_small_cells_are_suppressed_and_so_is_a_complement():
    out = published([[10, 3], [12, 20]])
    # 3 is hidden, then 10 beside it (else 13 - 10 gives it away), then 12 and 20 in
    # their columns (else 22 - 12 gives the 10 away): four unknowns, never one alone.
    assert out == [[None, None, 13], [None, None, 32], [22, 23, 45]]


def test_a_table_without_small_cells_is_shown_whole():
    assert published([[10, 6], [7, 9]]) == [[10, 6, 16], [7, 9, 16], [17, 15, 32]]


@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=4),
        min_size=1,
        max_size=6,
    ).filter(lambda rows: len({len(row) for row in rows}) == 1)
)
def test_no_published_line_gives_a_hidden_number_away(table):
    out = sensitive.suppress(table)
    full = [[*row, sum(row)] for row in table]
    full.append([sum(column) for column in zip(*full, strict=True)])
    lines = [*out, *zip(*out, strict=True)]
    for line in lines:
        assert sum(value is None for value in line) != 1
    for r, row in enumerate(out):
        for c, value in enumerate(row):
            if value is not None:
                assert value == full[r][c] and value >= sensitive.MIN_GROUP


def derivable(out):
    """Withheld cells of a published table that its numbers determine exactly: the
    cell's unit vector lies in the row space of the equations (each row and column
    adds up to its total) restricted to the withheld cells. With the totals row and
    column negated every line adds up to zero, so a cell has one sign in all of them."""
    height, width = len(out), len(out[0])
    hidden = [(r, c) for r in range(height) for c in range(width) if out[r][c] is None]
    sign = {(r, c): (-1) ** ((r == height - 1) + (c == width - 1)) for r, c in hidden}
    lines = [{(r, c) for c in range(width)} for r in range(height)]
    lines += [{(r, c) for r in range(height)} for c in range(width)]
    equations = [[sign[cell] if cell in line else 0 for cell in hidden] for line in lines]
    rank = matrix_rank(equations)
    units = [[int(cell == other) for other in hidden] for cell in hidden]
    return [
        cell
        for cell, unit in zip(hidden, units, strict=True)
        if matrix_rank([*equations, unit]) == rank
    ]


def matrix_rank(rows):
    rows = [[Fraction(x) for x in row] for row in rows if any(row)]
    rank = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column]:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def test_no_hidden_count_follows_from_sums_of_rows_and_columns_either():
    # Every row and column has two withheld numbers or none, yet the 1 bottom left is
    # rows 0 and 2 plus column 3 away: x00 + x20 = 4 + 14 - 10 = 8, column 0 has 9.
    table = [[1, 30, 10, 3], [30, 1, 6, 10], [7, 30, 7, 7], [1, 10, 1, 20]]
    out = published(table)
    assert out[3][0] is None
    assert derivable(out) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([0, 1, 2, 4, 5, 6, 9, 20, 31]), min_size=1, max_size=4),
        min_size=1,
        max_size=7,
    ).filter(lambda rows: len({len(row) for row in rows}) == 1)
)
def test_no_published_table_lets_anyone_compute_a_hidden_count(table):
    out = sensitive.suppress(table)
    assert derivable(out) == []


def test_organisers_see_only_suppressed_counts(organiser_client):
    mentors_sharing(6, SEARCH)
    mentors_sharing(2, SHOWN, value="asian")
    page = organiser_client.get("/admin/mentors/profile/shared-attributes/").content.decode()
    assert "Native Hawaiian or Other Pacific Islander</th><td>6</td>" in page
    asian = re.search(r"Asian</th>(.*?)</tr>", page)[1]
    assert "2" not in asian and "–" in asian
    assert "Sharer" not in page  # counts, never names
