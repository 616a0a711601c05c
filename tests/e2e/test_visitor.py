"""A visitor browses the launch schedule: home, agenda with two filters, the January
2023 grid, a session page, its .ics, and the subscribe address of a filtered view. At
phone and desktop widths, with and without JavaScript, with axe on every page, and once
with the keyboard alone."""

from pathlib import Path

import pytest
from django.core.management import call_command
from icalendar import Calendar

from tests.e2e.conftest import accessible, open_page, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def schedule(db):
    call_command("load_schedule", stdout=None)
    from events.models import Campaign

    campaign = Campaign.objects.get(slug="national-mentoring-month-2023")
    return campaign


def test_visitor_journey(page, width, site, schedule):
    page.goto(site + "/")
    assert page.get_by_role("heading", level=1).is_visible()
    accessible(page, "home")
    shot(page, f"visitor-home-{width}")

    page.goto(site + "/events/")
    page.select_option("#id_campaign", schedule.slug)
    page.select_option("#id_platform", "zoom_webinar")
    page.check("#id_past")
    page.get_by_role("button", name="Show sessions").click()
    page.wait_for_url("**/events/?**")
    assert f"campaign={schedule.slug}" in page.url and "platform=zoom_webinar" in page.url
    titles = page.locator(".agenda .event-list h3").all_inner_texts()
    assert any("Kick-off" in title for title in titles)
    assert not any("Facebook" in title for title in titles)
    feed = page.locator("#feed-url").input_value()
    assert "/events/feed.ics?" in feed and "platform=zoom_webinar" in feed
    accessible(page, "agenda filtered")
    shot(page, f"visitor-agenda-{width}")

    page.goto(site + "/events/calendar/2023/1/")
    assert page.get_by_role("heading", name="January 2023").is_visible()
    accessible(page, "month grid")
    shot(page, f"visitor-grid-{width}")
    page.get_by_role("link", name="National Mentoring Month Kick-off").first.click()
    page.wait_for_url("**/events/*/")
    assert "Kick-off" in page.get_by_role("heading", level=1).inner_text()
    accessible(page, "session page")
    shot(page, f"visitor-session-{width}")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download .ics").click()
    body = Path(download.value.path()).read_bytes()
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert "Kick-off" in str(event["SUMMARY"])


@pytest.mark.parametrize("width", ["phone"])
def test_public_pages_work_without_javascript(browser, width, site, schedule):
    from community.models import Guide

    # Transactional tests empty the tables, data-migration rows included: add one back.
    Guide.objects.get_or_create(
        slug="how-to-be-a-mentor",
        defaults={"title": "How to be a mentor", "body": "- **Listen first.**"},
    )
    context, page = open_page(browser, width, javascript=False)
    try:
        page.goto(site + f"/events/?campaign={schedule.slug}&past=1")
        page.select_option("#id_platform", "facebook_live")
        page.get_by_role("button", name="Show sessions").click()
        page.wait_for_url("**platform=facebook_live**")
        assert page.locator(".agenda .event-list h3").count() >= 1
        assert "platform=facebook_live" in page.locator("#feed-url").input_value()
        shot(page, "nojs-agenda")
        page.goto(site + "/events/calendar/2023/1/")
        page.get_by_role("link", name="Next month").click()
        page.wait_for_url("**/events/calendar/2023/2/")
        page.goto(site + "/mentors/")
        assert page.get_by_role("heading", name="Find a mentor").is_visible()
        page.goto(site + "/guides/how-to-be-a-mentor/")
        assert page.get_by_role("heading", name="How to be a mentor").is_visible()
        shot(page, "nojs-guide")
    finally:
        context.close()


@pytest.mark.parametrize("width", ["desktop"])
def test_the_visitor_journey_works_with_the_keyboard_alone(browser, width, site, schedule):
    context, page = open_page(browser, width)
    try:
        page.goto(site + f"/events/?campaign={schedule.slug}&past=1")
        # The first Tab reaches the skip link, which moves focus to the content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
        page.keyboard.press("Enter")
        # Tab to the first session's link and follow it.
        for _ in range(60):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "document.activeElement.closest('.event-list') ? document.activeElement.href : ''"
            )
            if focused:
                break
        assert focused, "no session link reachable with Tab"
        page.keyboard.press("Enter")
        page.wait_for_url("**/events/*/")
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", "the focused element shows no focus ring"
        shot(page, "keyboard-session")
    finally:
        context.close()
