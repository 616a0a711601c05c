"""A mentee's five suggested mentors, from the database through the cached arrays."""

import re

import pytest

from mentors import sensitive
from mentors.models import Block, CareerField, MatchingSettings, Profile, Topic
from mentors.periodic import refresh_utc_offsets
from tests.factories import make_profile

pytestmark = pytest.mark.django_db


def mentee(**kwargs):
    kwargs.setdefault("role", Profile.Role.MENTEE)
    kwargs.setdefault("goals", ["Leadership", "Writing"])
    return make_profile(**kwargs)


def suggested(client, who):
    client.force_login(who.user)
    response = client.get("/mentors/suggestions/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_best_mentors_come_first_with_their_reasons(client):
    field = CareerField.objects.get(name="Cyber operations")
    me = mentee(career_field=field, experience=2, time_zone="America/New_York")
    best = make_profile(
        display_name="Best Bo",
        expertise=["Leadership", "Writing"],
        career_field=field,
        experience=4,
        time_zone="America/Chicago",
    )
    make_profile(display_name="Weaker Wu", expertise=["Writing"], time_zone="Asia/Tokyo")
    page = suggested(client, me)
    assert page.index("Best Bo") < page.index("Weaker Wu")
    assert (
        "2 shared goals: Leadership, Writing; same career field; 2 experience levels ahead; "
        "both meet by video call; 1 h apart" in page
    )
    assert best.get_absolute_url() in page


def test_only_five_and_never_the_full_the_hidden_the_blocked_or_myself(client):
    me = mentee(role=Profile.Role.BOTH, expertise=["Leadership"])
    for n in range(7):
        make_profile(display_name=f"Fine {n}", expertise=["Leadership"])
    make_profile(
        display_name="Hidden Hal", expertise=["Leadership", "Writing"], visibility="hidden"
    )
    make_profile(
        display_name="Closed Cy", expertise=["Leadership", "Writing"], accepting_mentees=False
    )
    blocker = make_profile(display_name="Blocker Bea", expertise=["Leadership", "Writing"])
    Block.objects.create(blocker=blocker.user, blocked=me.user)
    page = suggested(client, me)
    assert page.count('class="card profile-card"') == 5
    for absent in ("Hidden Hal", "Closed Cy", "Blocker Bea", me.display_name):
        assert absent not in page


def test_must_match_leaves_out_mentors_who_do_not_match(client):
    field = CareerField.objects.get(name="Health care")
    me = mentee(career_field=field, must_match=["career_field"])
    make_profile(display_name="Other Field", expertise=["Leadership", "Writing"])
    make_profile(display_name="Same Field", career_field=field)
    page = suggested(client, me)
    assert "Same Field" in page and "Other Field" not in page


def test_organisers_weights_and_time_zone_cap_take_effect_at_once(
    client, django_capture_on_commit_callbacks
):
    me = mentee(time_zone="Europe/London", goals=["Writing"])
    make_profile(display_name="Far Away", expertise=["Writing"], time_zone="Pacific/Auckland")
    assert "Far Away" in suggested(client, me)
    settings_row = MatchingSettings.current()
    settings_row.max_hours_apart = 6
    with django_capture_on_commit_callbacks(execute=True):  # as when the edit commits
        settings_row.save()
    assert "Far Away" not in suggested(client, me)


def test_a_profile_change_reaches_suggestions_without_a_restart(
    client, django_capture_on_commit_callbacks
):
    me = mentee(goals=["Negotiation"])
    mentor = make_profile(display_name="Late Learner", expertise=["Writing"])
    first = suggested(client, me)
    assert "Negotiation" not in first
    with django_capture_on_commit_callbacks(execute=True):
        mentor.expertise.add(Topic.objects.get(name="Negotiation"))
    assert "1 shared goal: Negotiation" in suggested(client, me)


def test_sensitive_attributes_never_appear_in_suggestions_or_reasons(client):
    both = {"race": ("asian", sensitive.Use.SHOWN), "efmp": ("enrolled", sensitive.Use.SHOWN)}
    me = mentee(sensitive=both)
    make_profile(display_name="Sharing Sam", expertise=["Leadership"], sensitive=both)
    page = suggested(client, me)
    assert "Sharing Sam" in page
    assert "Asian" not in page and "EFMP" not in page


def test_people_who_are_not_mentees_are_invited_to_say_what_they_want(client):
    mentor = make_profile()
    assert "Suggestions are for mentees" in suggested(client, mentor)


def test_suggestions_page_queries_stay_flat(client, django_assert_max_num_queries):
    MatchingSettings.current()  # made by the first build otherwise, which retires it
    me = mentee()
    for n in range(40):
        both = n in (7, 30)  # share both goals, so they outrank the rest
        make_profile(
            display_name=f"Mentor {n}",
            expertise=["Leadership", "Writing"] if both else ["Leadership"],
        )
    suggested(client, me)  # builds the arrays once
    client.force_login(me.user)
    with django_assert_max_num_queries(12):  # two: the request's transaction
        response = client.get("/mentors/suggestions/")
    page = response.content.decode()
    # The five best, in order: both goals first, then ties broken by the earliest profile.
    shown = re.findall(r'<li class="card profile-card">.*?<a href="[^"]*">([^<]*)</a>', page, re.S)
    assert shown == ["Mentor 7", "Mentor 30", "Mentor 0", "Mentor 1", "Mentor 2"]


def test_offsets_follow_daylight_saving(time_machine):
    time_machine.move_to("2027-01-15 12:00Z")
    profile = make_profile(time_zone="America/New_York")
    assert profile.utc_offset == -300
    time_machine.move_to("2027-07-15 12:00Z")
    assert refresh_utc_offsets(None) >= 1
    profile.refresh_from_db()
    assert profile.utc_offset == -240


def test_organisers_edit_the_single_row_of_weights(organiser_client):
    response = organiser_client.get("/admin/mentors/matchingsettings/")
    assert response["Location"] == "/admin/mentors/matchingsettings/1/change/"
    data = {
        "topics": "4",
        "career_field": "2",
        "experience": "1.5",
        "language": "1",
        "format": "1",
        "time_zone": "1",
        "max_hours_apart": "5",
    }
    organiser_client.post("/admin/mentors/matchingsettings/1/change/", data)
    assert MatchingSettings.current().weights().topics == 4.0
    bad = organiser_client.post(
        "/admin/mentors/matchingsettings/1/change/", {**data, "topics": "-1"}
    )
    assert "greater than or equal to 0" in bad.content.decode()
    assert MatchingSettings.objects.count() == 1


def test_a_profile_organisers_hide_leaves_suggestions_at_once(
    organiser_client, django_capture_on_commit_callbacks
):
    from django.test import Client

    me = mentee(goals=["Writing"])
    mentor = make_profile(display_name="Hidden Soon", expertise=["Writing"])
    member = Client()
    assert "Hidden Soon" in suggested(member, me)
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            "/admin/mentors/profile/",
            {"action": "hide_profiles", "_selected_action": [mentor.pk]},
        )
    assert "Hidden Soon" not in suggested(member, me)
