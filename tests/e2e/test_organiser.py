"""An organiser (Organisers group, two-factor, not a superuser) creates a session in the
admin, publishes it, changes its time, sees the change notice sent, cancels it and
exports the attendees. At phone and desktop widths, axe on every page."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from tests.e2e.conftest import accessible, open_page, shot, sign_in
from tests.factories import make_campaign, make_host, make_member, make_organiser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def current_code(secret):
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def check(page, name, width):
    accessible(page, name)
    shot(page, f"{name}-{width}")


def run_action(page, name, title, navigates=True):
    """Run an admin action on the row titled `title` and wait for the page it leads to
    to load (checking a page still arriving found its header links without their
    text); an action that answers with a download stays on the page."""
    page.get_by_role("row", name=title).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(name)
    if not navigates:
        page.get_by_role("button", name="Go").click()
        return
    with page.expect_navigation():
        page.get_by_role("button", name="Go").click()
    page.wait_for_load_state()


def test_organiser_runs_a_session_from_the_admin(browser, width, site):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from events import booking, notices
    from events.models import Event

    organiser = make_organiser()
    secret = generate_totp_secret()
    TOTP.activate(organiser, secret)
    campaign = make_campaign(name="Mentoring Month 2027")
    make_host(name="Blue Lab")
    attendee = make_member(email=f"attendee-{width}@example.org")
    context, page = open_page(browser, width)
    try:
        sign_in(page, site, organiser.email, next_url="/admin/")
        page.wait_for_url("**/accounts/2fa/authenticate/**")
        check(page, "organiser-two-factor", width)
        for _attempt in range(2):  # a code belongs to its 30-second window
            page.get_by_label("Code").fill(current_code(secret))
            page.get_by_role("button", name="Sign In").click()
            page.wait_for_load_state()
            if "/admin/" in page.url:
                break
        page.wait_for_url("**/admin/")
        check(page, "admin-home", width)

        # Create the session as a draft.
        page.goto(site + "/admin/events/event/add/")
        page.get_by_label("Campaign").select_option(label=campaign.name)
        page.get_by_label("Host").select_option(label="Blue Lab")
        page.get_by_label("Title").fill("Mentoring in a digital era")
        page.locator("#id_slug").fill("mentoring-in-a-digital-era")
        page.locator("#id_summary").fill("A panel on mentoring at a distance.")
        page.locator("#id_time_zone").fill("America/New_York")
        page.locator("#id_starts_on").fill("2027-01-20")
        page.locator("#id_starts_at_0").fill("2027-01-20")
        page.locator("#id_starts_at_1").fill("11:00:00")
        page.locator("#id_ends_at_0").fill("2027-01-20")
        page.locator("#id_ends_at_1").fill("12:00:00")
        check(page, "admin-add-session", width)
        page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_url("**/admin/events/event/")
        assert Event.objects.exists(), page.content()[:4000]
        event = Event.objects.get(title="Mentoring in a digital era")
        assert event.status == Event.Status.DRAFT

        run_action(page, "publish", "Mentoring in a digital era")
        event.refresh_from_db()
        assert event.status == Event.Status.PUBLISHED
        check(page, "admin-sessions", width)

        # Someone registers; then the organiser moves the session by an hour.
        booking.register(event, attendee)
        page.goto(site + f"/admin/events/event/{event.pk}/change/")
        page.locator("#id_starts_at_1").fill("12:00:00")
        page.locator("#id_ends_at_1").fill("13:00:00")
        page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_url("**/admin/events/event/")
        mail.outbox.clear()
        assert notices.send_due_notices(timezone.now() + timedelta(minutes=10)) == 1
        assert [m.subject for m in mail.outbox] == ["Changed: Mentoring in a digital era"]
        page.goto(site + "/admin/events/changenotice/")
        row = page.get_by_role("row", name="Mentoring in a digital era")
        assert "sent" in row.inner_text()
        check(page, "admin-change-notices", width)

        # Cancel, then export the attendees.
        page.goto(site + "/admin/events/event/")
        run_action(page, "cancel", "Mentoring in a digital era")
        event.refresh_from_db()
        assert event.status == Event.Status.CANCELLED
        with page.expect_download() as download:
            run_action(page, "export_attendees", "Mentoring in a digital era", navigates=False)
        csv = Path(download.value.path()).read_text()
        assert attendee.email in csv
    finally:
        context.close()
