"""Hostile input, in one place: URL parameters and form fields with oversize, wrong-type,
HTML/script, SQL-looking and NUL values. Each gives a page or a clear message, never a
500, never an unescaped script, and changes nothing it should not."""

import pytest
from django.test import Client

from community.models import Story, ThankYou
from mentoring.models import MentoringGroup, MentorshipRequest
from mentors.models import Profile
from tests.factories import make_event, make_profile, signed_in

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
HOSTILE = [
    SCRIPT,
    "' OR 1=1 --",
    "x" * 5000,
    "\x00",
    "-1",
    "99999999999999999999",
    "nan",
    "%00%27",
    "../../etc/passwd",
]
GET_PAGES = {
    "/events/": ["q", "campaign", "host", "platform", "page", "past"],
    "/events/calendar/": ["campaign", "host", "platform", "q"],
    "/events/feed.ics": ["campaign", "host", "platform", "q"],
    "/events/feed.json": ["campaign", "host", "platform", "q"],
    "/mentors/": [
        "q",
        "career_field",
        "topic",
        "experience",
        "language",
        "format",
        "within_hours",
        "page",
        "efmp",
        "race",
    ],
    "/groups/": ["page"],
    "/thanks/": ["page"],
    "/guides/": ["page"],
}


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_url_parameters_never_break_a_page(value):
    make_event()
    for client in (Client(), signed_in(make_profile(display_name="Member"))):
        for path, names in GET_PAGES.items():
            for name in names:
                response = client.get(path, {name: value})
                assert response.status_code in (200, 302, 400), (path, name, value)
                if response.get("Content-Type", "").startswith("text/html"):
                    assert SCRIPT not in response.content.decode(), (path, name)


@pytest.mark.parametrize(
    "url",
    [
        "/events/calendar/99999/1/",
        "/events/calendar/2023/13/",
        "/events/calendar/0/1/",
        "/mentor-of-the-month/2027/0/",
        "/mentors/999999999999999999999/",
        "/events/feed/%00.ics",
        "/stories/999999/",
        "/guides/%3Cscript%3E/",
    ],
)
def test_impossible_addresses_are_not_found(url):
    assert Client().get(url).status_code == 404


def test_hostile_form_values_get_messages_and_save_nothing_wrong():
    mentor = make_profile(display_name="Max", capacity=2)
    me = make_profile(role=Profile.Role.MENTEE, display_name="Mia")
    client = signed_in(me)

    # NUL characters and oversize text: refused with a message, nothing saved.
    for data, message in [
        ({"message": "hi\x00there"}, "Null characters are not allowed."),
        ({"message": "x" * 100_000}, "at most 1000 characters"),
        ({"message": ""}, "This field is required."),
    ]:
        response = client.post(f"/mentors/{mentor.pk}/ask", data)
        assert response.status_code == 200 and message in response.content.decode()
    assert not MentorshipRequest.objects.exists()
    response = client.post(
        "/thanks/new/", {"mentor_name": "x" * 101, "message": "ok", "author_name": "Mia"}
    )
    assert "at most 100 characters" in response.content.decode()
    response = client.post(
        "/stories/new/",
        {"kind": "poem", "title": "t", "body": "b", "author_name": "Mia"},
    )
    assert "Select a valid choice." in response.content.decode()
    response = client.post(
        "/groups/new/",
        {"name": "g", "description": "d", "online": "on", "size_limit": "1e9", "sign_up": "open"},
    )
    assert "Enter a whole number." in response.content.decode()
    assert not ThankYou.objects.exists() and not Story.objects.exists()
    assert not MentoringGroup.objects.exists()

    # Script-looking text is kept as text and shown escaped.
    client.post(f"/mentors/{mentor.pk}/ask", {"message": SCRIPT})
    page = signed_in(mentor).get("/me/mentoring/").content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_hostile_profile_edits_change_nothing():
    me = make_profile(display_name="Steady", capacity=2)
    client = signed_in(me)
    page = client.get("/me/profile/").content.decode()
    assert "Steady" in page
    response = client.post(
        "/me/profile/",
        {
            "role": "admin",
            "display_name": SCRIPT,
            "capacity": "-5",
            "visibility": "everyone",
            "time_zone": "Mars/Olympus_Mons",
            "experience": "' OR 1=1",
        },
    )
    assert response.status_code == 200
    me.refresh_from_db()
    assert (me.display_name, me.capacity, me.role) == ("Steady", 2, "mentor")
