import io
import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client

from mentoring_hub.log import MASK, MaskedGunicornLogger, mask_secrets

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_200_with_json_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not():
    # A real unreachable database: nothing listens on port 1.
    script = (
        "import django; django.setup();"
        "from django.test import Client; r = Client().get('/healthz');"
        "print(r.status_code, r['Retry-After'], r.content.decode())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring_hub.settings_test",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/unreachable",
        "REDIS_URL": "",  # the database cache, down with the database
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert (
        result.stdout.strip().splitlines()[-1]
        == '503 30 {"status": "error", "database": "unavailable", "cache": "down"}'
    )


@pytest.mark.django_db
def test_https_redirect_spares_only_the_health_check(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    home = client.get("/")
    assert home.status_code == 301
    assert home["Location"] == "https://testserver/"
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_trusted_proxy_header_makes_the_request_secure(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().get("/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_home_page_is_semantic_and_accessible(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert html.count("<h1") == 1
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert 'aria-label="Main"' in html
    assert "<footer" in html


@pytest.mark.django_db
def test_pages_load_no_asset_from_another_host(client):
    html = client.get("/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == []


@pytest.mark.django_db
def test_british_visitors_get_british_english(client):
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.8"})
    assert '<html lang="en-gb">' in response.content.decode()


@pytest.mark.urls("tests.core.urls_errors")
@pytest.mark.django_db
def test_losing_the_database_halfway_answers_503_and_keeps_nothing_of_the_request():
    from mentoring_hub.models import PeriodicRun

    response = Client(raise_request_exception=False).get("/half-write")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Nothing you sent was saved" in response.content.decode()
    assert not PeriodicRun.objects.filter(job="half-written").exists()


@pytest.mark.urls("tests.core.urls_errors")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "heading", "secret"),
    [
        ("/no-such-page", 404, "We could not find that page", "no-such-page-secret"),
        ("/boom", 500, "Something went wrong on our side", "hunter2-secret"),
        ("/suspicious", 400, "We could not understand that request", "tampered-signature"),
        ("/forbidden", 403, "You do not have access to this page", "internal-reason-xyz"),
    ],
)
def test_error_pages_use_the_site_look_and_leak_nothing(url, status, heading, secret):
    client = Client(raise_request_exception=False)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == status
    assert heading in html
    assert 'class="site-header"' in html
    for leak in (secret, "Traceback", "SECRET_KEY", "settings.py", "DEBUG"):
        assert leak not in html


@pytest.mark.django_db
def test_csrf_failure_page_explains_itself():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "That form has expired" in response.content.decode()


@pytest.mark.django_db
def test_request_logs_mask_tokens_and_keys(client):
    handler = logging.getLogger("django").handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        client.get("/events/feed/Zk3YtOpSecretToken42.ics")
        # Unknown pages below these prefixes are logged as "Not Found: <path>".
        client.get("/accounts/confirm-email/MTE:1tSecretKey:abc/x/y")
        # A reset-key URL always matches a page, so log as Django does on an error.
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", "/accounts/password/reset/key/3f-resetsecret/"
        )
    finally:
        handler.setStream(previous)
    output = stream.getvalue()
    assert "Not Found: /events/feed/" + MASK in output
    assert "/accounts/confirm-email/" + MASK in output
    assert "/accounts/password/reset/key/" + MASK in output
    for secret in ("Zk3YtOpSecretToken42", "1tSecretKey", "resetsecret"):
        assert secret not in output


def test_masking_covers_query_string_secrets():
    assert mask_secrets("/x?token=abc&page=2&PASSCODE=371908") == (
        f"/x?token={MASK}&page=2&PASSCODE={MASK}"
    )
    assert mask_secrets("/events/") == "/events/"


def test_special_category_searches_never_reach_the_logs():
    line = "GET /mentors/?career_field=3&race=asian&efmp=enrolled&gender=woman&ethnicity=x"
    assert mask_secrets(line) == (
        f"GET /mentors/?career_field=3&race={MASK}&efmp={MASK}&gender={MASK}&ethnicity={MASK}"
    )


def test_gunicorn_access_log_masks_the_request_line():
    logger = MaskedGunicornLogger.__new__(MaskedGunicornLogger)  # no config needed

    class Response:
        status = "404 Not Found"
        sent = 10
        headers = ()

    class Request:
        headers = ()

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/events/feed/SecretFeedToken.ics?key=k1",
        "PATH_INFO": "/events/feed/SecretFeedToken.ics",
        "QUERY_STRING": "key=k1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    atoms = logger.atoms(Response(), Request(), environ, timedelta(seconds=0.01))
    assert atoms["r"] == f"GET /events/feed/{MASK}.ics?key={MASK} HTTP/1.1"
    assert atoms["U"] == f"/events/feed/{MASK}.ics"
    assert atoms["q"] == f"key={MASK}"
    assert "SecretFeedToken" not in repr(atoms)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db  # closing a response signals request_finished, which tidies connections
def test_uploads_are_served_with_safe_headers(client, media_root):
    (media_root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    response = client.get("/media/photo.png")
    response.close()  # a FileResponse holds the file open until closed
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("inline")


@pytest.mark.django_db
def test_uploaded_html_is_a_download_never_a_page(client, media_root):
    (media_root / "evil.html").write_text("<script>alert(1)</script>")
    response = client.get("/media/evil.html")
    response.close()
    assert response["Content-Disposition"] == 'attachment; filename="evil.html"'
    assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_media_refuses_paths_outside_the_media_root(client, media_root):
    (media_root.parent / "outside.txt").write_text("not yours")
    escaped = client.get("/media/../outside.txt")
    encoded = client.get("/media/%2e%2e/outside.txt")
    assert escaped.status_code == 400
    assert encoded.status_code == 400
    assert b"not yours" not in escaped.content + encoded.content


def test_every_response_carries_the_security_headers(client, db):
    from tests.factories import make_event

    event = make_event()
    for url in ["/", "/", "/events/", event.get_absolute_url(), "/events/feed.ics", "/mentors/"]:
        response = client.get(url)  # "/" twice: the second comes from the page cache
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        if not url.endswith(".ics"):  # a calendar is never framed; CSP covers it anyway
            assert response["X-Frame-Options"] == "DENY", url


def test_only_the_admin_may_use_inline_styles_and_no_page_inline_scripts(organiser_client):
    admin_policy = organiser_client.get("/admin/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in admin_policy
    assert "script-src 'self';" in admin_policy + ";"
    assert "unsafe-inline" not in Client().get("/")["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/events/", "/", "/events/feed.ics", "/events/feed.json"])
def test_stored_pages_and_feeds_answer_only_allowed_hosts(client, path):
    """The page cache and the feeds answer before CommonMiddleware: they check the
    host themselves, stored or not."""
    assert client.get(path).status_code == 200  # stored now, for anonymous visitors
    assert client.get(path).status_code == 200
    assert client.get(path, HTTP_HOST="evil.example").status_code == 400


@pytest.mark.django_db
def test_a_very_long_media_path_is_not_found_not_an_error(client):
    assert client.get("/media/" + "a" * 5000).status_code == 404
    assert client.get("/media/photos/" + "b" * 300 + ".jpg").status_code == 404
