"""Profiles: onboarding, the form, photos through the form, visibility, report and block."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from mentors.models import Block, Profile, Report, Topic
from tests.factories import PASSWORD, make_member, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(size=(640, 480), colour="green", **options):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", **options)
    return SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")


def image_size(path):
    with Image.open(path) as image:
        return image.size


def profile_data(profile, **overrides):
    data = {
        "role": profile.role,
        "display_name": profile.display_name,
        "headline": profile.headline,
        "bio": profile.bio,
        "career_field": profile.career_field_id or "",
        "career_field_other": "",
        "organisation": profile.organisation_id or "",
        "organisation_other": "",
        "experience": profile.experience or "",
        "time_zone": profile.time_zone,
        "capacity": profile.capacity,
        "accepting_mentees": "on" if profile.accepting_mentees else "",
        "visibility": profile.visibility,
        "formats": ["video"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


# -- Onboarding ---------------------------------------------------------------------


def test_first_sign_in_asks_mentor_mentee_or_both_then_leads_to_the_profile(client):
    member = make_member(first_name="Ada", last_name="Okafor")
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response["Location"] == "/me/welcome/"
    page = client.get("/me/welcome/").content.decode()
    assert 'value="mentor"' in page and 'value="mentee"' in page and 'value="both"' in page
    assert 'value="Ada Okafor"' in page  # the display name starts from the account's name

    response = client.post(
        "/me/welcome/",
        {"role": "both", "display_name": "Ada O.", "time_zone": "Europe/London"},
    )
    assert response["Location"] == "/me/profile/"
    profile = Profile.objects.get(user=member)
    assert (profile.role, profile.display_name, profile.time_zone) == (
        "both",
        "Ada O.",
        "Europe/London",
    )
    assert profile.visibility == Profile.Visibility.MEMBERS  # the default
    # Once there is a profile, the welcome step sends people on.
    assert client.get("/me/welcome/")["Location"] == "/me/profile/"


def test_onboarding_falls_back_to_the_default_zone_for_a_zone_we_do_not_know(client, settings):
    member = make_member()
    client.force_login(member)
    client.post(
        "/me/welcome/", {"role": "mentee", "display_name": "Sam", "time_zone": "Mars/Olympus"}
    )
    assert Profile.objects.get(user=member).time_zone == settings.TIME_ZONE


def test_a_member_who_only_attends_sessions_can_skip_and_is_not_asked_again(client):
    member = make_member()
    client.force_login(member)
    assert client.post("/me/welcome/", {"skip": "1"})["Location"] == "/me/"
    client.logout()
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert client.get(response["Location"])["Location"] == "/me/"
    assert not Profile.objects.filter(user=member).exists()
    # ... and can still start from their page later.
    assert "Set up your profile" in client.get("/me/").content.decode()
    assert client.get("/me/welcome/?start=1").status_code == 200


def test_onboarding_refuses_a_missing_role_and_creates_nothing(client):
    member = make_member()
    client.force_login(member)
    response = client.post("/me/welcome/", {"display_name": "Sam"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Profile.objects.filter(user=member).exists()


# -- The profile form ---------------------------------------------------------------------


def test_profile_form_saves_every_field(client):
    profile = make_profile()
    client.force_login(profile.user)
    leadership, writing = Topic.objects.get(name="Leadership"), Topic.objects.get(name="Writing")
    response = client.post(
        "/me/profile/",
        profile_data(
            profile,
            headline="Logistics officer, 12 years",
            bio="I mentor junior officers.\nAsk me about PME.",
            career_field_other="Space logistics",
            experience=4,
            expertise=[leadership.pk, writing.pk],
            goals=[writing.pk],
            languages=[profile_language("es")],
            formats=["video", "chat"],
            availability=["weekends", "weekday_evenings"],
            capacity=3,
            accepting_mentees="",
            visibility="public",
        ),
    )
    assert response["Location"] == "/me/profile/"
    profile.refresh_from_db()
    assert profile.headline == "Logistics officer, 12 years"
    assert profile.career_field_name == "Space logistics"
    assert profile.experience == 4
    assert {t.name for t in profile.expertise.all()} == {"Leadership", "Writing"}
    assert [t.name for t in profile.goals.all()] == ["Writing"]
    assert [language.code for language in profile.languages.all()] == ["es"]
    assert profile.formats == ["video", "chat"]
    assert profile.availability == ["weekday_evenings", "weekends"]
    assert (profile.capacity, profile.accepting_mentees, profile.visibility) == (3, False, "public")


def profile_language(code):
    from mentors.models import Language

    return Language.objects.get(code=code).pk


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bio", "x" * 2001, "at most 2000 characters (it has 2001)"),
        ("headline", "x" * 121, "at most 120 characters (it has 121)"),
        ("display_name", "", "This field is required"),
        ("capacity", "11", "less than or equal to 10"),
        ("capacity", "0", "greater than or equal to 1"),
        ("time_zone", "Mars/Olympus", "Select a valid choice"),
        ("visibility", "everyone", "Select a valid choice"),
        ("availability", ["always"], "Select a valid choice"),
        ("career_field_other", "x" * 101, "at most 100 characters"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(client, field, value, message):
    profile = make_profile(headline="Before", bio="Before")
    client.force_login(profile.user)
    changes = {"headline": "After", field: value} if field != "headline" else {field: value}
    response = client.post("/me/profile/", profile_data(profile, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    profile.refresh_from_db()
    assert (profile.headline, profile.bio) == ("Before", "Before")


def test_long_text_fields_have_no_maxlength_that_would_cut_a_paste_silently(client):
    profile = make_profile()
    client.force_login(profile.user)
    page = client.get("/me/profile/").content.decode()
    assert "maxlength" not in page


def test_choosing_from_the_list_and_other_is_refused(client):
    from mentors.models import CareerField

    profile = make_profile()
    client.force_login(profile.user)
    field = CareerField.objects.first()
    response = client.post(
        "/me/profile/",
        profile_data(profile, career_field=field.pk, career_field_other="Mine"),
    )
    assert "Choose from the list or fill this in, not both." in response.content.decode()


def test_script_and_html_in_profile_text_are_shown_as_text(client):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    profile = make_profile(display_name=payload, headline=payload, bio=payload)
    viewer = make_member()
    client.force_login(viewer)
    for url in (profile.get_absolute_url(), "/mentors/"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


# -- Photos through the form --------------------------------------------------------------


def test_uploading_a_photo_stores_two_squares_and_replaces_the_previous_ones(client, media):
    profile = make_profile()
    client.force_login(profile.user)
    client.post("/me/profile/", {**profile_data(profile), "photo_upload": jpeg()})
    profile.refresh_from_db()
    first = (profile.photo.name, profile.photo_small.name)
    assert image_size(profile.photo.path) == (400, 400)
    assert image_size(profile.photo_small.path) == (96, 96)
    assert "me" not in first[0]  # the uploaded name is not used

    client.post("/me/profile/", {**profile_data(profile), "photo_upload": jpeg(colour="blue")})
    profile.refresh_from_db()
    assert profile.photo.name != first[0]
    assert not (media / first[0]).exists() and not (media / first[1]).exists()
    page = client.get(profile.get_absolute_url()).content.decode()
    assert profile.photo.url in page


def test_photo_metadata_never_reaches_the_stored_file(client):
    profile = make_profile()
    client.force_login(profile.user)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    gps = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    exif[0x8825] = gps
    client.post("/me/profile/", {**profile_data(profile), "photo_upload": jpeg(exif=exif)})
    profile.refresh_from_db()
    with open(profile.photo.path, "rb") as stored:
        data = stored.read()
    assert b"SecretCam" not in data and b"Exif" not in data
    with Image.open(profile.photo.path) as image:
        assert not image.getexif()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "This is not a JPEG, PNG, WebP or GIF image."),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "This is not a JPEG, PNG, WebP or GIF image.",
        ),
        (None, "incomplete"),
    ],
)
def test_a_refused_photo_says_why_and_keeps_the_old_one(client, content, message):
    profile = make_profile(headline="Before")
    client.force_login(profile.user)
    client.post("/me/profile/", {**profile_data(profile), "photo_upload": jpeg()})
    profile.refresh_from_db()
    old = profile.photo.name
    if content is None:  # a truncated JPEG
        whole = jpeg(size=(800, 800)).read()
        content = whole[: len(whole) // 2]
    upload = SimpleUploadedFile("holiday.jpg", content, content_type="image/jpeg")
    response = client.post(
        "/me/profile/", {**profile_data(profile, headline="After"), "photo_upload": upload}
    )
    assert message in response.content.decode()
    profile.refresh_from_db()
    assert profile.photo.name == old
    assert profile.headline == "Before"


def test_a_photo_can_be_removed(client, media):
    profile = make_profile()
    client.force_login(profile.user)
    client.post("/me/profile/", {**profile_data(profile), "photo_upload": jpeg()})
    profile.refresh_from_db()
    name = profile.photo.name
    client.post("/me/profile/", {**profile_data(profile), "remove_photo": "on"})
    profile.refresh_from_db()
    assert not profile.photo and not (media / name).exists()


# -- Visibility ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "anonymous", "member", "owner"),
    [("public", 200, 200, 200), ("members", 404, 200, 200), ("hidden", 404, 404, 200)],
)
def test_profile_visibility(client, visibility, anonymous, member, owner):
    profile = make_profile(visibility=visibility, display_name="Visible Vera")
    url = profile.get_absolute_url()
    assert client.get(url).status_code == anonymous
    assert ("Visible Vera" in client.get("/mentors/").content.decode()) == (anonymous == 200)
    client.force_login(make_member())
    assert client.get(url).status_code == member
    assert ("Visible Vera" in client.get("/mentors/").content.decode()) == (member == 200)
    client.force_login(profile.user)
    assert client.get(url).status_code == owner


def test_a_deactivated_account_disappears(client):
    profile = make_profile(visibility="public")
    profile.user.is_active = False
    profile.user.save()
    assert client.get(profile.get_absolute_url()).status_code == 404


# -- Report ---------------------------------------------------------------------------


def test_a_member_reports_a_profile_and_organisers_review_it(organiser_client):
    profile = make_profile(display_name="Spammy")
    reporter = make_member()
    client = Client()
    client.force_login(reporter)
    response = client.post(
        f"/mentors/{profile.pk}/report", {"reason": "spam", "note": "Sells courses"}
    )
    assert response["Location"] == profile.get_absolute_url()
    client.post(f"/mentors/{profile.pk}/report", {"reason": "spam", "note": "again"})
    report = Report.objects.get()  # one open report per member and profile
    assert (report.reporter, report.reason, report.note) == (reporter, "spam", "Sells courses")

    listing = organiser_client.get("/admin/mentors/report/").content.decode()
    assert "Spammy" in listing and reporter.email in listing
    organiser_client.post(
        "/admin/mentors/report/",
        {"action": "mark_actioned", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.status == "actioned" and report.reviewed_by == organiser_client.user


def test_a_report_note_over_the_limit_is_refused(client):
    profile = make_profile()
    client.force_login(make_member())
    response = client.post(f"/mentors/{profile.pk}/report", {"reason": "other", "note": "x" * 1001})
    assert "at most 1000 characters" in response.content.decode()
    assert not Report.objects.exists()


def test_nobody_can_report_or_block_themselves_or_a_profile_they_cannot_see(client):
    own = make_profile()
    hidden = make_profile(visibility="hidden")
    client.force_login(own.user)
    assert client.post(f"/mentors/{own.pk}/report", {"reason": "spam"}).status_code == 404
    assert client.post(f"/mentors/{hidden.pk}/block").status_code == 404
    assert not Report.objects.exists() and not Block.objects.exists()


# -- Block ----------------------------------------------------------------------------


def test_blocking_hides_both_people_from_each_other_until_undone(client):
    blocker = make_profile(display_name="Blocker Bea")
    pest = make_profile(display_name="Pest Pat")
    client.force_login(blocker.user)
    assert client.post(f"/mentors/{pest.pk}/block")["Location"] == "/mentors/"
    assert client.get(pest.get_absolute_url()).status_code == 404
    assert "Pest Pat" not in client.get("/mentors/").content.decode()

    client.force_login(pest.user)
    assert client.get(blocker.get_absolute_url()).status_code == 404
    assert "Blocker Bea" not in client.get("/mentors/").content.decode()
    assert client.post(f"/mentors/{blocker.pk}/report", {"reason": "spam"}).status_code == 404

    client.force_login(blocker.user)
    listing = client.get("/me/blocked/").content.decode()
    assert "Pest Pat" in listing
    block = Block.objects.get()
    client.post(f"/me/blocked/{block.pk}/unblock")
    assert client.get(pest.get_absolute_url()).status_code == 200


def test_only_the_blocker_can_undo_a_block(client):
    blocker, pest = make_profile(), make_profile()
    block = Block.objects.create(blocker=blocker.user, blocked=pest.user)
    client.force_login(pest.user)
    client.post(f"/me/blocked/{block.pk}/unblock")
    assert Block.objects.filter(pk=block.pk).exists()


def test_block_rules_hold_in_the_database():
    from django.db import IntegrityError, transaction

    member = make_member()
    with pytest.raises(IntegrityError), transaction.atomic():
        Block.objects.create(blocker=member, blocked=member)


# -- Queries per page ---------------------------------------------------------------------


@pytest.mark.parametrize("mentors", [3, 30])
def test_directory_and_profile_pages_query_the_same_whatever_the_numbers(
    client, django_assert_max_num_queries, mentors
):
    from mentors.models import CareerField

    field = CareerField.objects.first()
    profiles = [
        make_profile(career_field=field, expertise=["Leadership", "Writing"], languages=["es"])
        for _ in range(mentors)
    ]
    client.force_login(make_member())
    # Two are the request's own transaction (a savepoint inside the test's).
    with django_assert_max_num_queries(13):
        page = client.get("/mentors/", {"career_field": field.pk, "topic": ""})
    assert page.content.decode().count('class="card profile-card"') == min(mentors, 20)
    with django_assert_max_num_queries(13):
        assert client.get(profiles[-1].get_absolute_url()).status_code == 200


def test_the_directory_filters_by_distance_from_my_time_zone(client):
    me = make_profile(role=Profile.Role.MENTEE, time_zone="America/New_York")
    make_profile(display_name="Chicago Chi", time_zone="America/Chicago")
    make_profile(display_name="Tokyo Tomo", time_zone="Asia/Tokyo")
    make_profile(display_name="Apia Api", time_zone="Pacific/Apia")
    client.force_login(me.user)
    page = client.get("/mentors/", {"within_hours": 3}).content.decode()
    assert "Chicago Chi" in page and "Tokyo Tomo" not in page
    page = client.get("/mentors/", {"within_hours": 6}).content.decode()
    assert "Apia Api" in page  # UTC+13/14 is 5-6 hours behind New York the short way
    page = client.get("/mentors/", {"within_hours": "x"}).content.decode()
    assert "Select a valid choice" in page


def test_without_a_profile_there_is_no_distance_filter(client):
    client.force_login(make_member())
    assert 'name="within_hours"' not in client.get("/mentors/").content.decode()


# -- The directory's stored public pages ---------------------------------------------------


def test_the_anonymous_directory_comes_from_the_cache_but_never_stale(
    client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    mentor = make_profile(
        display_name="Cached Cass", headline="Before the edit", visibility="public"
    )
    first = client.get("/mentors/").content.decode()
    assert "Before the edit" in first and "csrfmiddlewaretoken" not in first
    with django_assert_max_num_queries(2):  # the stamp and the page, from the cache table
        assert "Before the edit" in client.get("/mentors/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        mentor.headline = "After the edit"
        mentor.save()
    page = client.get("/mentors/").content.decode()
    assert "After the edit" in page and "Before the edit" not in page
    with django_capture_on_commit_callbacks(execute=True):
        mentor.user.is_active = False
        mentor.user.save()
    assert "Cached Cass" not in client.get("/mentors/").content.decode()


def test_members_never_get_the_anonymous_directory(client):
    make_profile(display_name="Public Pat", visibility="public")
    make_profile(display_name="Members Mo", visibility="members")
    assert "Members Mo" not in client.get("/mentors/").content.decode()  # stored now
    client.force_login(make_member())
    page = client.get("/mentors/").content.decode()
    assert "Members Mo" in page and "Public Pat" in page
    client.logout()
    assert "Members Mo" not in client.get("/mentors/").content.decode()


def test_a_sign_in_does_not_retire_the_stored_directory(client, django_capture_on_commit_callbacks):
    from mentors import suggest

    member = make_member()
    stamp = suggest.version()
    with django_capture_on_commit_callbacks(execute=True):
        Client().force_login(member)  # saves last_login only
    assert suggest.version() == stamp


def test_the_directory_lists_keep_the_chosen_option_selected(client):
    from mentors.models import CareerField

    field = CareerField.objects.order_by("name")[1]
    page = client.get("/mentors/", {"career_field": field.pk, "language": "es"})
    text = page.content.decode()
    assert f'<option value="{field.pk}" selected>{field.name}</option>' in text
    assert '<option value="es" selected>Spanish</option>' in text
    assert '<select name="career_field" id="id_career_field">' in text
    assert '<label for="id_career_field">' in text
