import http.server
import io
import re
import threading
from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command

from events import importing
from events.ics import CalendarError, parse_sessions
from events.models import Campaign, Event
from mentoring_hub.fetch import FetchError, fetch
from tests.factories import make_campaign, make_event, make_host, make_organiser

pytestmark = pytest.mark.django_db


def calendar(*events):
    body = "".join(events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".encode()
    )


def vevent(uid="a@example.org", start="DTSTART;TZID=America/New_York:20270112T110000", extra=""):
    uid_line = f"UID:{uid}\r\n" if uid else ""
    return (
        f"BEGIN:VEVENT\r\n{uid_line}DTSTAMP:20270101T000000Z\r\nSUMMARY:Imported panel\r\n"
        f"{start}\r\nDTEND;TZID=America/New_York:20270112T120000\r\n{extra}END:VEVENT\r\n"
    )


def run_import(campaign, data, host, publish=True):
    sessions = parse_sessions(data, default_zone=campaign.time_zone)
    return importing.apply(campaign, importing.plan(campaign, sessions, publish=publish), host=host)


def test_export_then_import_into_an_empty_campaign_reproduces_the_sessions(client, launch_schedule):
    exported = client.get("/events/feed.ics?campaign=national-mentoring-month-2023").content
    original = Campaign.objects.get(slug="national-mentoring-month-2023")
    before = sorted(
        (e.title, e.starts_on, e.starts_at, e.ends_at, e.time_tbd, e.time_zone, e.status)
        for e in original.events.all()
    )
    original.events.all().delete()
    copy = make_campaign(slug="copy", starts_on=date(2023, 1, 1), ends_on=date(2023, 2, 1))
    run_import(copy, exported, make_host())
    after = sorted(
        (e.title, e.starts_on, e.starts_at, e.ends_at, e.time_tbd, e.time_zone, e.status)
        for e in copy.events.all()
    )
    assert after == before
    # Importing the same calendar again updates nothing and creates nothing.
    again = importing.plan(
        copy, parse_sessions(exported, default_zone="America/New_York"), publish=True
    )
    assert (len(again.create), len(again.update), len(again.unchanged)) == (0, 0, 6)


def test_import_matches_by_uid_and_updates(db):
    campaign, host = make_campaign(), make_host()
    run_import(campaign, calendar(vevent()), host)
    moved = calendar(vevent(start="DTSTART;TZID=America/New_York:20270112T100000"))
    result = importing.plan(
        campaign, parse_sessions(moved, default_zone="America/New_York"), publish=True
    )
    assert [changed for _e, _s, changed in result.update] == [["starts_at"]]
    importing.apply(campaign, result, host=host)
    event = Event.objects.get()
    assert event.starts_at == datetime(2027, 1, 12, 15, tzinfo=UTC)
    assert event.sequence == 1


def test_new_sessions_arrive_as_drafts_unless_published(db):
    campaign, host = make_campaign(), make_host()
    run_import(campaign, calendar(vevent()), host, publish=False)
    assert Event.objects.get().status == Event.Status.DRAFT


def test_small_recurrences_become_sessions(db):
    campaign, host = make_campaign(), make_host()
    run_import(campaign, calendar(vevent(extra="RRULE:FREQ=WEEKLY;COUNT=3\r\n")), host)
    assert list(Event.objects.order_by("starts_on").values_list("starts_on", flat=True)) == [
        date(2027, 1, 12),
        date(2027, 1, 19),
        date(2027, 1, 26),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not a calendar", "This is not an iCalendar (.ics) file."),
        (calendar(vevent()).replace(b"Imported", "Imp\xe9rted".encode("latin-1")), "not UTF-8"),
        (calendar(vevent(uid="")), "has no UID"),
        (calendar(vevent(), vevent()), "is used by two events"),
        (calendar(vevent(extra="RRULE:FREQ=DAILY\r\n")), "repeats without end"),
        (
            calendar(vevent(extra="RRULE:FREQ=DAILY;COUNT=5000\r\n")),
            "repeats into more than 50 sessions",
        ),
        (
            calendar(vevent(start="DTSTART;TZID=America/New_York:20270112T130000")),
            "ends before it starts",
        ),
        (calendar(vevent(start="DTSTART:notadate")), "has no valid start"),
        (calendar(), "has no events"),
        (calendar(vevent()) + b"X" * (2 * 1024 * 1024), "larger than 2 MB"),
    ],
)
def test_bad_calendars_get_a_clear_message_and_change_nothing(data, message):
    campaign = make_campaign()
    make_event(campaign=campaign, title="Untouched")
    before = list(Event.objects.values_list("pk", "title", "sequence"))
    with pytest.raises(CalendarError, match=re.escape(message)):
        run_import(campaign, data, make_host())
    assert list(Event.objects.values_list("pk", "title", "sequence")) == before


def test_all_or_nothing_when_a_later_session_is_invalid():
    campaign = make_campaign()
    good = vevent(uid="good@example.org")
    reserved = vevent(uid="bad@example.org").replace(
        "SUMMARY:Imported panel", "SUMMARY:" + "x" * 201
    )
    with pytest.raises(CalendarError):
        run_import(campaign, calendar(good, reserved), make_host())
    assert Event.objects.count() == 0


def test_command_previews_then_imports(tmp_path):
    campaign, host = make_campaign(slug="spring"), make_host(slug="alumni")
    path = tmp_path / "panel.ics"
    path.write_bytes(calendar(vevent()))
    out = io.StringIO()
    call_command("import_ics", "spring", str(path), "--host", "alumni", "--dry-run", stdout=out)
    assert "create  2027-01-12  Imported panel" in out.getvalue()
    assert Event.objects.count() == 0
    call_command(
        "import_ics", "spring", str(path), "--host", "alumni", "--publish", stdout=io.StringIO()
    )
    assert Event.objects.get().campaign == campaign and Event.objects.get().host == host
    with pytest.raises(CommandError, match="No campaign"):
        call_command("import_ics", "autumn", str(path), "--host", "alumni")


class _Server:
    """A loopback HTTP server for one test: / serves a calendar, /hop redirects."""

    def __init__(self, redirect_to=""):
        body = calendar(vevent())

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/hop":
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    server = _Server()
    yield server
    server.close()


def test_url_import_from_an_allowed_loopback_host(server, settings):
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    data = fetch(f"http://127.0.0.1:{server.port}/", 2 * 1024 * 1024)
    assert parse_sessions(data, default_zone="America/New_York")[0]["title"] == "Imported panel"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:{port}/", "not a public address"),
        ("http://localhost:{port}/", "not a public address"),
        ("http://[::1]:{port}/", "not a public address"),
        ("http://169.254.169.254/latest/meta-data/", "not a public address"),
        ("http://10.0.0.1/", "not a public address"),
        ("ftp://example.org/cal.ics", "Only http"),
        ("file:///etc/passwd", "Only http"),
    ],
)
def test_url_import_refuses_internal_addresses(server, url, message):
    with pytest.raises(FetchError, match=message):
        fetch(url.format(port=server.port), 1024)


def test_redirects_into_the_network_are_refused(settings):
    target = _Server()
    hop = _Server(redirect_to=f"http://127.0.0.1:{target.port}/")
    settings.FETCH_ALLOWED_HOSTS = ["localhost"]  # the first hop is allowed, the second is not
    try:
        with pytest.raises(FetchError, match="not a public address"):
            fetch(f"http://localhost:{hop.port}/hop", 1024)
    finally:
        hop.close()
        target.close()


def test_oversize_download_is_refused(server, settings):
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    with pytest.raises(FetchError, match="larger than"):
        fetch(f"http://127.0.0.1:{server.port}/", 100)


def test_admin_import_previews_then_imports(organiser_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    campaign, host = make_campaign(), make_host()
    upload = SimpleUploadedFile("panel.ics", calendar(vevent()), content_type="text/calendar")
    url = f"/admin/events/campaign/{campaign.pk}/import/"
    preview = organiser_client.post(url, {"file": upload, "host": host.pk})
    html = preview.content.decode()
    assert "1 to create, 0 to update, 0 unchanged" in html
    assert Event.objects.count() == 0
    token = preview.context["token"]
    done = organiser_client.post(
        url, {"confirm": "1", "token": token, "host": host.pk, "publish": "0"}
    )
    assert done.status_code == 302
    assert Event.objects.get().status == Event.Status.DRAFT


def test_admin_import_reports_a_bad_file(organiser_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    campaign, host = make_campaign(), make_host()
    upload = SimpleUploadedFile("junk.ics", b"not a calendar", content_type="text/calendar")
    response = organiser_client.post(
        f"/admin/events/campaign/{campaign.pk}/import/", {"file": upload, "host": host.pk}
    )
    assert response.status_code == 200
    assert "This is not an iCalendar (.ics) file." in response.content.decode()


def test_an_imported_title_over_several_lines_becomes_one_line():
    campaign = make_campaign()
    data = calendar(vevent().replace("SUMMARY:Imported panel", "SUMMARY:Imported\\npanel"))
    [session] = parse_sessions(data, default_zone=campaign.time_zone)
    assert session["title"] == "Imported panel"
    run_import(campaign, data, make_host())
    assert Event.objects.get().title == "Imported panel"


def test_times_in_the_repeated_hour_are_read_as_rfc_5545_says_and_ours_exactly(client):
    campaign = make_campaign(starts_on=date(2026, 10, 1), ends_on=date(2026, 11, 30))
    local = "DTSTART;TZID=America/New_York:20261101T013000"
    data = calendar(vevent(start=local).replace("20270112T120000", "20261101T030000"))
    [session] = parse_sessions(data, default_zone=campaign.time_zone)
    assert session["starts_at"] == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # the first: EDT
    second = make_event(
        campaign=campaign,
        starts_at=datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 1:30 EST, the second
        ends_at=datetime(2026, 11, 1, 7, 30, tzinfo=UTC),
        day=date(2026, 11, 1),
    )
    [exported] = parse_sessions(
        client.get(f"/events/{second.slug}.ics").content, default_zone=campaign.time_zone
    )
    assert (exported["starts_at"], exported["ends_at"]) == (second.starts_at, second.ends_at)


def test_an_oversize_upload_is_refused_before_it_is_read():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("big.ics", b"X" * (2 * 1024 * 1024 + 1))
    with pytest.raises(CalendarError, match="larger than 2 MB"):
        importing.read(upload)


def test_a_held_calendar_belongs_to_the_organiser_who_previewed_it():
    first, second = make_organiser(), make_organiser()
    token = importing.hold(first, b"calendar")
    assert importing.held(first, token) == b"calendar"
    assert importing.held(second, token) is None


def test_admin_import_after_the_preview_expired_changes_nothing(organiser_client):
    campaign, host = make_campaign(), make_host()
    url = f"/admin/events/campaign/{campaign.pk}/import/"
    done = organiser_client.post(
        url, {"confirm": "1", "token": "forgotten", "host": host.pk, "publish": "1"}
    )
    assert done.status_code == 302
    assert done["Location"] == url
    assert Event.objects.count() == 0
