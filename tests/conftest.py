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
