"""Bulk matching rounds in the admin: computed in the background, compared with best
first, adjusted with pins and drops, published only on confirmation."""

import pytest
from django.test import Client

from mentoring.models import Mentorship
from mentors import rounds, sensitive
from mentors.models import Block, MatchingRound, Profile, RoundPair, RoundRule
from tests.factories import make_profile

pytestmark = pytest.mark.django_db


def mentee(name, goals, **kwargs):
    kwargs.setdefault("time_zone", "UTC")
    return make_profile(role=Profile.Role.MENTEE, display_name=name, goals=goals, **kwargs)


def mentor(name, expertise, **kwargs):
    kwargs.setdefault("time_zone", "UTC")
    return make_profile(display_name=name, expertise=expertise, capacity=1, **kwargs)


@pytest.fixture
def crossing():
    """Best first pairs Xia with Ada (the single best pair) and leaves Yan, who only
    fits Ada, unmatched; the optimum gives Xia to Bea and Yan to Ada."""
    people = {
        "ada": mentor("Ada", ["Leadership", "Writing", "Budgets"]),
        "bea": mentor("Bea", ["Writing", "Budgets"]),
        "xia": mentee("Xia", ["Leadership", "Writing", "Budgets"]),
        "yan": mentee("Yan", ["Leadership"], must_match=["topics"]),
    }
    return people


def create_round(client, capture, **data):
    with capture(execute=True):
        response = client.post(
            "/admin/mentors/matchinground/add/",
            {
                "name": "January cohort",
                "rules-TOTAL_FORMS": "0",
                "rules-INITIAL_FORMS": "0",
                **data,
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return MatchingRound.objects.get()


def pairs_of(round):
    return {
        (pair.mentee.display_name, pair.mentor.display_name)
        for pair in round.pairs.select_related("mentee", "mentor")
    }


def test_a_round_proposes_the_optimum_and_shows_best_first_beside_it(
    organiser_client, crossing, django_capture_on_commit_callbacks
):
    round = create_round(organiser_client, django_capture_on_commit_callbacks)
    assert round.status == MatchingRound.Status.READY
    assert round.progress == 100
    assert pairs_of(round) == {("Xia", "Bea"), ("Yan", "Ada")}
    optimum, best_first = round.summary["optimum"], round.summary["greedy"]
    assert (optimum["matched"], optimum["unmatched"]) == (2, 0)
    assert (best_first["matched"], best_first["unmatched"]) == (1, 1)
    assert optimum["total"] > best_first["total"]
    assert sum(b["count"] for b in optimum["distribution"]) == 2

    page = organiser_client.get(f"/admin/mentors/matchinground/{round.pk}/change/")
    text = page.content.decode()
    assert "ready to review" in text
    assert "Best first" in text and "Mentees left unmatched" in text
    assert 'http-equiv="refresh"' not in text  # nothing left to wait for
    reasons = RoundPair.objects.get(mentee=crossing["yan"]).reasons
    assert reasons.startswith("1 shared goal: Leadership")


def test_progress_shows_while_the_round_waits_and_the_page_refreshes(
    organiser_client, crossing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        organiser_client.post(
            "/admin/mentors/matchinground/add/",
            {"name": "Queued", "rules-TOTAL_FORMS": "0", "rules-INITIAL_FORMS": "0"},
        )
    round = MatchingRound.objects.get()
    text = organiser_client.get(f"/admin/mentors/matchinground/{round.pk}/change/").content
    text = text.decode()
    assert "waiting to start" in text
    assert '<progress id="round-progress" max="100" value="0">' in text
    assert 'http-equiv="refresh"' in text
    assert "Publish…" not in text
    response = organiser_client.post(f"/admin/mentors/matchinground/{round.pk}/publish/")
    round.refresh_from_db()
    assert round.status == MatchingRound.Status.QUEUED  # nothing published
    assert (
        "Only a round that is ready" in organiser_client.get(response["Location"]).content.decode()
    )


def test_a_superseded_run_stores_nothing(crossing, django_capture_on_commit_callbacks):
    round = MatchingRound.objects.create(name="Twice")
    with django_capture_on_commit_callbacks(execute=False):
        rounds.start(round)
    old = round.generation
    with django_capture_on_commit_callbacks(execute=False):
        rounds.start(round)
    rounds.compute_round.call(round.pk, old)
    round.refresh_from_db()
    assert round.status == MatchingRound.Status.QUEUED
    assert not round.pairs.exists()
    rounds.compute_round.call(round.pk, round.generation)
    round.refresh_from_db()
    assert round.status == MatchingRound.Status.READY
    assert round.pairs.count() == 2


def rule_form(kind, mentee, mentor, **extra):
    return {
        "name": "January cohort",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-0-kind": kind,
        "rules-0-mentee": mentee.pk,
        "rules-0-mentor": mentor.pk,
        **extra,
    }


def test_drop_and_pin_from_the_pairs_list_recompute_the_round(
    organiser_client, crossing, django_capture_on_commit_callbacks
):
    round = create_round(organiser_client, django_capture_on_commit_callbacks)
    xia_bea = round.pairs.get(mentee=crossing["xia"])
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            "/admin/mentors/roundpair/",
            {"action": "drop_pairs", "_selected_action": [xia_bea.pk]},
        )
    round.refresh_from_db()
    # Xia may not have Bea: the best left is Xia with Ada, and Yan goes without.
    assert pairs_of(round) == {("Xia", "Ada")}
    assert round.summary["drops"] == 1
    assert round.summary["unmatched"] == [crossing["yan"].pk]

    xia_ada = round.pairs.get()
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            "/admin/mentors/roundpair/", {"action": "pin_pairs", "_selected_action": [xia_ada.pk]}
        )
    round.refresh_from_db()
    assert pairs_of(round) == {("Xia", "Ada")}
    assert round.pairs.get().pinned
    assert round.pairs.get().reasons.startswith("pinned by an organiser; 3 shared goals")
    assert set(round.rules.values_list("kind", flat=True)) == {"pin", "drop"}


def test_a_pin_overrides_the_scores_even_for_a_pair_the_rules_would_not_propose(
    organiser_client, crossing, django_capture_on_commit_callbacks
):
    yan, bea = crossing["yan"], crossing["bea"]
    round = create_round(
        organiser_client, django_capture_on_commit_callbacks, **rule_form("pin", yan, bea)
    )
    assert pairs_of(round) == {("Yan", "Bea"), ("Xia", "Ada")}
    pinned = round.pairs.get(mentee=yan)
    assert pinned.pinned and pinned.reasons.startswith("pinned by an organiser")
    assert round.summary["pins"] == 1


def test_pins_beyond_a_mentors_places_are_refused_and_nothing_changes(
    organiser_client, crossing, django_capture_on_commit_callbacks
):
    round = create_round(organiser_client, django_capture_on_commit_callbacks)
    data = {
        "name": "January cohort",
        "rules-TOTAL_FORMS": "2",
        "rules-INITIAL_FORMS": "0",
        "rules-0-kind": "pin",
        "rules-0-mentee": crossing["xia"].pk,
        "rules-0-mentor": crossing["ada"].pk,
        "rules-1-kind": "pin",
        "rules-1-mentee": crossing["yan"].pk,
        "rules-1-mentor": crossing["ada"].pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(f"/admin/mentors/matchinground/{round.pk}/change/", data)
    assert response.status_code == 200
    assert "Ada is pinned to 2 mentees but has 1 places left." in response.content.decode()
    assert not RoundRule.objects.exists()
    generation = round.generation
    round.refresh_from_db()
    assert round.generation == generation  # not recomputed


def test_pins_are_refused_across_a_block_or_for_someone_not_mentoring(
    organiser_client, crossing, django_capture_on_commit_callbacks
):
    Block.objects.create(blocker=crossing["ada"].user, blocked=crossing["yan"].user)
    response = organiser_client.post(
        "/admin/mentors/matchinground/add/", rule_form("pin", crossing["yan"], crossing["ada"])
    )
    assert "One of these two has blocked the other" in response.content.decode()
    response = organiser_client.post(
        "/admin/mentors/matchinground/add/", rule_form("pin", crossing["ada"], crossing["xia"])
    )
    text = response.content.decode()
    assert "Ada is not looking for a mentor." in text
    assert "Xia has not offered to mentor." in text
    assert not MatchingRound.objects.exists()


def test_blocks_keep_a_pair_out_of_every_round(
    organiser_client, crossing, django_capture_on_commit_callbacks
):
    Block.objects.create(blocker=crossing["yan"].user, blocked=crossing["ada"].user)
    round = create_round(organiser_client, django_capture_on_commit_callbacks)
    assert pairs_of(round) == {("Xia", "Ada")}  # Yan fits nobody else


def test_the_cohort_narrows_by_organisation_and_leaves_out_people_with_a_mentor(
    organiser_client, crossing, django_capture_on_commit_callbacks
):
    from mentors.models import Organisation

    unit = Organisation.objects.first()
    Profile.objects.filter(pk=crossing["xia"].pk).update(organisation=unit)
    rounds.ALREADY_MATCHED.append(lambda: {crossing["yan"].pk})
    try:
        round = create_round(
            organiser_client, django_capture_on_commit_callbacks, organisation=unit.pk
        )
    finally:
        rounds.ALREADY_MATCHED.pop()
    assert pairs_of(round) == {("Xia", "Ada")}
    assert round.summary["cohort"] == 1


def test_a_pinned_mentee_who_left_the_cohort_fails_the_round_with_a_reason(
    crossing, django_capture_on_commit_callbacks
):
    round = MatchingRound.objects.create(name="Stale pin")
    RoundRule.objects.create(
        round=round, kind="pin", mentee=crossing["xia"], mentor=crossing["ada"]
    )
    crossing["xia"].user.is_active = False
    crossing["xia"].user.save()
    with django_capture_on_commit_callbacks(execute=True):
        rounds.start(round)
    round.refresh_from_db()
    assert round.status == MatchingRound.Status.FAILED
    assert "not in this round's cohort" in round.error
    assert not round.pairs.exists()


def test_publishing_asks_first_then_starts_mentorships_and_freezes_the_round(
    organiser_client, crossing, django_capture_on_commit_callbacks, mailoutbox
):
    round = create_round(organiser_client, django_capture_on_commit_callbacks)
    page = organiser_client.get(f"/admin/mentors/matchinground/{round.pk}/publish/")
    assert "turns 2 proposed pairs into mentorships" in page.content.decode()
    assert not Mentorship.objects.exists()  # looking is not publishing
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(f"/admin/mentors/matchinground/{round.pk}/publish/")
    follow = organiser_client.get(response["Location"]).content.decode()
    assert "Published January cohort: 2 pairs." in follow
    assert "2 mentorships started; both people in each were emailed." in follow
    pairs = Mentorship.objects.values_list("mentee__display_name", "mentor__display_name")
    assert set(pairs) == {("Xia", "Bea"), ("Yan", "Ada")}
    assert set(Mentorship.objects.values_list("origin", "round", "status")) == {
        ("round", round.pk, "active")
    }
    subjects = sorted(message.subject for message in mailoutbox)
    assert subjects == sorted(
        [f"You are matched with {name}" for name in ("Ada", "Bea", "Xia", "Yan")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(f"/admin/mentors/matchinground/{round.pk}/publish/")
    assert Mentorship.objects.count() == 2  # only once
    round.refresh_from_db()
    assert round.status == MatchingRound.Status.PUBLISHED and round.published_at
    assert round.published_by == organiser_client.user
    change = organiser_client.post(
        f"/admin/mentors/matchinground/{round.pk}/change/", {"name": "Renamed"}
    )
    assert change.status_code == 403
    drop = organiser_client.post(
        "/admin/mentors/roundpair/",
        {
            "action": "drop_pairs",
            "_selected_action": list(round.pairs.values_list("pk", flat=True)),
        },
    )
    assert drop.status_code == 302
    assert not RoundRule.objects.exists()
    assert MatchingRound.objects.get().name == "January cohort"


def test_a_computation_run_again_after_publishing_changes_nothing(
    crossing, django_capture_on_commit_callbacks
):
    """A worker killed after computing, before recording it, has its task taken again
    when the lease ends: the round it reopens must stay as published."""
    round = MatchingRound.objects.create(name="Twice run")
    with django_capture_on_commit_callbacks(execute=True):
        rounds.start(round)
    round.refresh_from_db()
    before = pairs_of(round)
    with django_capture_on_commit_callbacks(execute=True):
        rounds.publish(round, None)
    rounds.compute_round.call(round.pk, round.generation)
    round.refresh_from_db()
    assert round.status == MatchingRound.Status.PUBLISHED
    assert pairs_of(round) == before
    assert round.progress == 100


def test_publishing_skips_pairs_whose_mentor_filled_up_meanwhile(
    crossing, django_capture_on_commit_callbacks
):
    from mentoring import relationships

    round = MatchingRound.objects.create(name="Late")
    with django_capture_on_commit_callbacks(execute=True):
        rounds.start(round)
    # Before publishing, Ada takes someone else through a request.
    other = mentee("Zed", ["Leadership"])
    asked = relationships.ask(other, crossing["ada"], "Hello")
    relationships.accept(asked, crossing["ada"])
    with django_capture_on_commit_callbacks(execute=True):
        rounds.publish(round, None)
    round.refresh_from_db()
    assert "1 mentorship started; both people were emailed." in round.outcome
    assert "1 skipped: the mentor had no place left" in round.outcome
    assert Mentorship.objects.filter(round=round).count() == 1
    assert Mentorship.objects.filter(mentor=crossing["ada"], status="active").count() == 1


def test_members_cannot_reach_rounds(client, crossing):
    client.force_login(crossing["xia"].user)
    assert client.get("/admin/mentors/matchinground/").status_code == 302
    round = MatchingRound.objects.create(name="Private", status=MatchingRound.Status.READY)
    assert client.post(f"/admin/mentors/matchinground/{round.pk}/publish/").status_code == 302
    round.refresh_from_db()
    assert round.status == MatchingRound.Status.READY


def test_reasons_in_a_round_never_mention_special_category_attributes(
    crossing, django_capture_on_commit_callbacks
):
    shared = {sensitive.Kind.EFMP: ("enrolled", sensitive.Use.SHOWN)}
    for person in crossing.values():
        for kind, (value, use) in shared.items():
            person.set_sensitive(kind, value, use)
    round = MatchingRound.objects.create(name="Private")
    with django_capture_on_commit_callbacks(execute=True):
        rounds.start(round)
    round.refresh_from_db()
    text = " ".join(round.pairs.values_list("reasons", flat=True)).lower()
    assert text and "enrolled" not in text and "family" not in text and "efmp" not in text


def test_visitors_who_are_not_signed_in_are_sent_to_log_in(
    organiser_client, crossing, django_capture_on_commit_callbacks
):
    round = create_round(organiser_client, django_capture_on_commit_callbacks)
    anonymous = Client()
    assert anonymous.get(f"/admin/mentors/matchinground/{round.pk}/change/").status_code == 302
