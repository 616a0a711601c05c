import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Cached pages and rate-limit counters must not leak between tests.

    The database cache lives in the test database and is rolled back with it; Redis
    is outside the transaction, so each test starts from an empty Redis database (each
    xdist worker has its own, see settings_test).
    """
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        cache.clear()
    yield


@pytest.fixture
def organiser_client(client, db):
    """A client signed in as an organiser (Organisers group, staff, not a superuser)
    through the real log-in with a second factor, as the admin requires."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import make_organiser, sign_in_with_totp

    organiser = make_organiser()
    secret = generate_totp_secret()
    TOTP.activate(organiser, secret)
    response = sign_in_with_totp(client, organiser, secret)
    assert response.status_code == 302, "two-factor log-in failed"
    client.user = organiser
    return client


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Run the after-commit work (email delivery, tasks) of whatever happens inside:
    `with deliver(): ...`."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
