"""A new member signs up, verifies their email, becomes a mentee, fills the profile with
a photo, finds a mentor in the directory and asks; the mentor accepts, confirms the
agreement, adds a goal and a check-in. At phone and desktop widths, axe on every page."""

import io
import re

import pytest
from django.core import mail
from PIL import Image

from tests.e2e.conftest import accessible, open_page, shot, sign_in
from tests.factories import PASSWORD, make_profile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def photo(tmp_path):
    path = tmp_path / "me.jpg"
    image = Image.new("RGB", (600, 450), (40, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    image.close()
    path.write_bytes(buffer.getvalue())
    return path


def check(page, name, width):
    accessible(page, name)
    shot(page, f"{name}-{width}")


def test_a_new_member_finds_a_mentor_and_they_start_working_together(
    browser, width, site, tmp_path, settings
):
    from mentors.models import Language, Topic

    settings.MEDIA_ROOT = tmp_path / "media"
    Topic.objects.get_or_create(name="Leadership")
    Language.objects.get_or_create(code="en", defaults={"name": "English"})
    mentor = make_profile(
        display_name="Morgan Mentor", expertise=["Leadership"], capacity=2, time_zone="UTC"
    )
    context, page = open_page(browser, width)
    try:
        # Sign up and verify the address from the test mailbox.
        page.goto(site + "/accounts/signup/")
        page.get_by_label("Email").fill(f"newcomer-{width}@example.org")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password (again)").fill(PASSWORD)
        page.get_by_label("I am 18 or over").check()
        page.locator("#id_accept_terms").check()
        check(page, "signup", width)
        page.get_by_role("button", name="Sign Up").click()
        page.wait_for_url("**/accounts/confirm-email/")
        bodies = [m.body for m in mail.outbox if "confirm-email" in m.body]
        assert bodies, [m.subject for m in mail.outbox]
        link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", bodies[-1])[1]
        page.goto(site + link)
        page.get_by_role("button", name="Confirm").click()

        # Onboarding as a mentee, then the profile with a photo.
        page.wait_for_url("**/me/welcome/")
        check(page, "onboarding", width)
        page.get_by_label("Mentee", exact=True).check()
        page.get_by_label("Display name").fill("Nia Newcomer")
        page.get_by_role("button", name="Continue to your profile").click()
        page.wait_for_url("**/me/profile/")
        page.get_by_label("Headline").fill("Airman looking for leadership advice")
        page.locator("fieldset", has_text="Topics").get_by_label("Leadership").last.check()
        page.locator("#id_photo_upload").set_input_files(str(photo(tmp_path)))
        check(page, "profile-form", width)
        page.get_by_role("button", name="Save profile").click()
        page.wait_for_load_state()
        assert page.locator(".message--error, .errorlist").count() == 0, page.content()[:3000]

        # The directory, filtered, and a request.
        page.goto(site + "/mentors/")
        page.get_by_label("Can help with").select_option(label="Leadership")
        page.get_by_role("button", name="Show mentors").click()
        page.wait_for_url("**/mentors/?**")
        check(page, "directory", width)
        page.get_by_role("link", name="Morgan Mentor").click()
        page.get_by_role("link", name="Ask Morgan Mentor to mentor you").click()
        page.get_by_label("Your message").fill("I lead a team for the first time.")
        check(page, "ask", width)
        page.get_by_role("button", name="Send request").click()
        page.wait_for_url("**/me/mentoring/")
        assert page.get_by_text("waiting for an answer").is_visible()
        check(page, "mentoring-mentee", width)
    finally:
        context.close()

    # The mentor accepts.
    mentor_context, mentor_page = open_page(browser, width)
    try:
        sign_in(mentor_page, site, mentor.user.email)
        mentor_page.goto(site + "/me/mentoring/")
        assert mentor_page.get_by_text("I lead a team for the first time.").is_visible()
        check(mentor_page, "mentoring-mentor", width)
        mentor_page.get_by_role("button", name="Accept").click()
        mentor_page.get_by_role("link", name="Nia Newcomer").first.click()
        mentor_page.wait_for_url("**/me/mentoring/*/")
        # Write and confirm the agreement, add a goal and a check-in.
        mentor_page.get_by_label("What we expect of each other").fill("Monthly calls.")
        mentor_page.get_by_label("How often we meet").select_option("monthly")
        mentor_page.get_by_label("How we meet").select_option("video")
        mentor_page.get_by_role("button", name="Save and confirm").click()
        assert mentor_page.get_by_text("waiting for Nia Newcomer").is_visible()
        mentor_page.get_by_text("Add a goal").click()
        mentor_page.locator("#id_title").fill("Run my first team meeting")
        mentor_page.get_by_role("button", name="Add goal").click()
        mentor_page.get_by_text("Add a check-in").click()
        mentor_page.get_by_label("How it is going").select_option("4")
        mentor_page.get_by_label("Notes").fill("Talked about delegation.")
        mentor_page.get_by_role("button", name="Save check-in").click()
        assert mentor_page.get_by_text("Run my first team meeting").is_visible()
        assert mentor_page.get_by_text("Talked about delegation.").is_visible()
        check(mentor_page, "mentorship-mentor", width)
    finally:
        mentor_context.close()

    # The mentee confirms the agreement the mentor wrote.
    context, page = open_page(browser, width)
    try:
        sign_in(page, site, f"newcomer-{width}@example.org")
        page.goto(site + "/me/mentoring/")
        page.get_by_role("link", name="Morgan Mentor").first.click()
        page.get_by_role("button", name="I agree").click()
        assert page.get_by_text("Both of you confirmed this agreement.").is_visible()
        check(page, "mentorship-mentee", width)
    finally:
        context.close()
