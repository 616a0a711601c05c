"""Thank-you notes, stories, Mentor of the Month, guides and share cards."""

import io
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.test import Client
from PIL import Image

from community.models import Guide, MentorOfTheMonth, Nomination, Story, ThankYou
from mentoring_hub.markup import render
from mentors.models import Profile
from tests.factories import make_event, make_member, make_profile, signed_in

pytestmark = pytest.mark.django_db


def mentor(name="Max", visibility="public", **kwargs):
    return make_profile(display_name=name, visibility=visibility, **kwargs)


def test_a_private_thank_you_reaches_only_the_mentor(deliver, organiser_client):
    max_ = mentor()
    author = make_profile(role=Profile.Role.MENTEE, display_name="Mia")
    with deliver():
        response = signed_in(author).post(
            f"/thanks/new/?mentor={max_.pk}",
            {"message": "PRIVATE-THANKS for the interview prep", "author_name": "Mia"},
        )
    assert response.status_code == 302
    note = ThankYou.objects.get()
    assert (note.status, note.mentor) == (ThankYou.Status.PRIVATE, max_)
    [message] = mail.outbox
    assert message.to == [max_.user.email]
    assert message.subject == "Mia thanked you for your mentoring"
    assert "PRIVATE-THANKS" in message.body
    pages = [
        (Client(), "/thanks/"),
        (signed_in(make_profile(display_name="Other")), "/thanks/"),
        (Client(), max_.get_absolute_url()),
        (organiser_client, "/admin/community/thankyou/"),
        (organiser_client, f"/admin/community/thankyou/{note.pk}/change/"),
    ]
    for client, url in pages:
        assert "PRIVATE-THANKS" not in client.get(url).content.decode(), url


def test_a_wall_note_shows_only_after_an_organiser_approves(organiser_client):
    author = make_member()
    client = Client()
    client.force_login(author)
    client.post(
        "/thanks/new/",
        {
            "mentor_name": "Sgt. Rivera",
            "message": "WALL-NOTE thank you",
            "author_name": "Al",
            "public": "on",
        },
    )
    note = ThankYou.objects.get()
    assert note.status == ThankYou.Status.PENDING
    assert "WALL-NOTE" not in Client().get("/thanks/").content.decode()
    organiser_client.post(
        "/admin/community/thankyou/", {"action": "approve", "_selected_action": [note.pk]}
    )
    wall = Client().get("/thanks/").content.decode()
    assert "WALL-NOTE thank you" in wall and "Al, to Sgt. Rivera" in wall


def test_the_wall_names_a_member_mentor_only_if_their_profile_is_public():
    hidden = mentor("Members Only Mo", visibility="members")
    ThankYou.objects.create(
        author_name="Al", mentor=hidden, message="Thanks!", status=ThankYou.Status.APPROVED
    )
    wall = Client().get("/thanks/").content.decode()
    assert "Members Only Mo" not in wall and "a mentor on this site" in wall


def test_a_burst_of_thank_you_notes_is_refused_after_five_and_sends_nothing(deliver):
    max_ = mentor()
    with time_machine.travel("2027-01-11 15:00Z", tick=False):
        client = signed_in(make_profile(role=Profile.Role.MENTEE, display_name="Mia"))
        with deliver():
            for n in range(5):
                note = {"message": f"Thanks {n}", "author_name": "Mia"}
                assert client.post(f"/thanks/new/?mentor={max_.pk}", note).status_code == 302
            response = client.post(
                f"/thanks/new/?mentor={max_.pk}", {"message": "Thanks 5", "author_name": "Mia"}
            )
        assert response.status_code == 429
        page = response.content.decode()
        assert "You have sent several thank-you notes in a short time." in page
        assert "Thanks 5" in page  # the note is kept in the form, not lost
        assert ThankYou.objects.count() == 5 and len(mail.outbox) == 5
        # The limit is this member's: someone else thanks Max as usual.
        other = signed_in(make_profile(role=Profile.Role.MENTEE, display_name="Al"))
        with deliver():
            other.post(f"/thanks/new/?mentor={max_.pk}", {"message": "Hi", "author_name": "Al"})
        assert len(mail.outbox) == 6
    with time_machine.travel("2027-01-11 15:11Z", tick=False), deliver():
        response = client.post(
            f"/thanks/new/?mentor={max_.pk}", {"message": "Thanks 5", "author_name": "Mia"}
        )
    assert response.status_code == 302 and len(mail.outbox) == 7


def test_a_thank_you_needs_someone_to_thank_and_refuses_overlong_text():
    client = signed_in(make_profile(role=Profile.Role.MENTEE))
    response = client.post("/thanks/new/", {"message": "Thanks", "author_name": "Al"})
    assert "Say who you are thanking." in response.content.decode()
    response = client.post(
        "/thanks/new/", {"mentor_name": "X", "message": "x" * 1001, "author_name": "Al"}
    )
    assert "at most 1000 characters (it has 1001)" in response.content.decode()
    assert not ThankYou.objects.exists()


def test_stories_are_moderated_before_the_campaign_page_shows_them(organiser_client):
    from events.models import Campaign

    campaign = make_event().campaign
    Campaign.objects.exclude(pk=campaign.pk).delete()
    client = signed_in(make_profile(role=Profile.Role.MENTEE))
    client.post(
        "/stories/new/",
        {
            "kind": "story",
            "title": "STORY-TITLE How a mentor got me promoted",
            "body": "It started with one call.",
            "author_name": "Al",
        },
    )
    story = Story.objects.get()
    assert story.campaign == campaign and story.status == Story.Status.PENDING
    assert "STORY-TITLE" not in Client().get("/").content.decode()
    assert Client().get(f"/stories/{story.pk}/").status_code == 404
    organiser_client.post(
        "/admin/community/story/", {"action": "approve", "_selected_action": [story.pk]}
    )
    home = Client().get("/").content.decode()  # the stored home page was retired
    assert "STORY-TITLE" in home
    page = Client().get(f"/stories/{story.pk}/").content.decode()
    assert 'property="og:image"' in page and f"/stories/{story.pk}/card.png" in page


def test_nominations_once_a_month_and_only_a_public_mentor_can_be_chosen(organiser_client):
    public, private = mentor("Pat"), mentor("Priv", visibility="members")
    client = signed_in(make_profile(role=Profile.Role.MENTEE))
    for target in (public, private):
        client.post(f"/mentors/{target.pk}/nominate", {"reason": f"Great mentor {target.pk}"})
    client.post(f"/mentors/{public.pk}/nominate", {"reason": "Again"})
    assert Nomination.objects.count() == 2
    private_nomination = Nomination.objects.get(mentor=private)
    response = organiser_client.post(
        "/admin/community/nomination/",
        {"action": "choose", "_selected_action": [private_nomination.pk]},
        follow=True,
    )
    assert (
        "Only a mentor whose profile is public can be shown publicly." in response.content.decode()
    )
    assert not MentorOfTheMonth.objects.exists()
    nomination = Nomination.objects.get(mentor=public)
    organiser_client.post(
        "/admin/community/nomination/", {"action": "choose", "_selected_action": [nomination.pk]}
    )
    award = MentorOfTheMonth.objects.get()
    assert (award.mentor, award.month.day) == (public, 1)
    archive = Client().get("/mentor-of-the-month/").content.decode()
    assert "Pat" in archive
    assert "Mentor of the Month" in Client().get(public.get_absolute_url()).content.decode()
    # Hidden later: off the public pages.
    Profile.objects.filter(pk=public.pk).update(visibility="members")
    assert "Pat" not in Client().get("/mentor-of-the-month/").content.decode()
    url = f"/mentor-of-the-month/{award.month.year}/{award.month.month}/"
    assert Client().get(url).status_code == 404
    assert Client().get("/mentor-of-the-month/2027/13/").status_code == 404


@pytest.mark.parametrize(
    "path", ["2027/99999999999999999999", "99999999999999999999/1", "0/1", "2027/0"]
)
@pytest.mark.parametrize("card", ["", "card.png"])
def test_an_impossible_mentor_of_the_month_address_is_not_found(path, card):
    response = Client().get(f"/mentor-of-the-month/{path}/{card}")
    assert response.status_code == 404


def test_markdown_is_rendered_and_scripts_and_html_payloads_are_removed():
    html = render(
        "# Title\n\n**bold** [link](https://example.org) [bad](javascript:alert(1))\n\n"
        "<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        '<a href="https://example.org" onclick="steal()">click</a>\n\n'
        "<iframe src='https://evil.example'></iframe>"
    )
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">link</a>' in html
    for payload in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<img"):
        assert payload not in html
    guide = Guide.objects.create(slug="payload", title="Payload", body="<script>x()</script> ok")
    page = Client().get("/guides/payload/").content.decode()
    assert "<script>x()</script>" not in page and "ok" in page
    assert guide.html == render(guide.body)


def test_the_starter_guides_are_published_and_linked_from_home_and_onboarding():
    slugs = set(Guide.objects.values_list("slug", flat=True))
    assert {
        "mentoring-coaching-therapy",
        "how-to-be-a-mentor",
        "staying-accountable",
        "stages-of-a-relationship",
        "pay-it-forward",
    } <= slugs
    page = Client().get("/guides/how-to-be-a-mentor/").content.decode()
    assert "Set expectations at the start." in page
    assert "/guides/how-to-be-a-mentor/" in Client().get("/").content.decode()
    client = Client()
    client.force_login(make_member())
    assert "/guides/" in client.get("/me/welcome/").content.decode()
    Guide.objects.filter(slug="pay-it-forward").update(published=False)
    assert Client().get("/guides/pay-it-forward/").status_code == 404


def png_of(response):
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    try:
        image.verify()
        return image.format, image.size
    finally:
        image.close()


def test_share_cards_are_valid_png_at_1200_by_630_and_redrawn_on_change():
    event = make_event(title="Kick-off")
    first = Client().get(f"/events/{event.slug}/card.png")
    assert png_of(first) == ("PNG", (1200, 630))
    page = Client().get(event.get_absolute_url()).content.decode()
    assert f'content="http://127.0.0.1:8000/events/{event.slug}/card.png"' in page
    assert 'name="twitter:card" content="summary_large_image"' in page
    event.refresh_from_db()
    event.title = "Kick-off, moved"
    event.save()
    second = Client().get(f"/events/{event.slug}/card.png")
    assert png_of(second) == ("PNG", (1200, 630))
    assert second.content != first.content
    award = MentorOfTheMonth.objects.create(
        month=date(2027, 1, 1), mentor=mentor("Pat"), citation="Helped twelve airmen."
    )
    url = f"/mentor-of-the-month/{award.month.year}/{award.month.month}/"
    assert png_of(Client().get(url + "card.png")) == ("PNG", (1200, 630))
    story = Story.objects.create(
        kind="tip",
        title="Bring an agenda",
        body="Every time.",
        author_name="Al",
        status=Story.Status.APPROVED,
    )
    assert png_of(Client().get(f"/stories/{story.pk}/card.png")) == ("PNG", (1200, 630))
    draft = make_event(status="draft")
    assert Client().get(f"/events/{draft.slug}/card.png").status_code == 404
