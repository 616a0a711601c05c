"""Settings for the test suite: the production module with a test environment.

The suite needs nothing exported: a test SECRET_KEY, plain static storage (no
collectstatic), fast password hashing, no persistent connections (so dropping the
PostgreSQL test database never meets an open connection) and, when REDIS_URL is set,
one Redis database per xdist worker so clearing the cache in one worker never
touches another's.
"""

import os
from urllib.parse import urlsplit

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw")
os.environ.setdefault("CACHE_KEY_PREFIX", f"mh-test-{_worker}")
# Tasks run inline after commit; the worker test switches to the database backend.
os.environ.setdefault("TASKS_BACKEND", "immediate")

from mentoring_hub.settings import *  # noqa: E402, F403 -- the environment above comes first
from mentoring_hub.settings import CACHES, DATABASES, REDIS_URL  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if "CONN_MAX_AGE" not in os.environ:  # a fault test's server keeps production's
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if REDIS_URL:
    # gw0 -> database 11, gw1 -> 12, a run without xdist -> 10.
    _digits = "".join(ch for ch in _worker if ch.isdigit())
    _index = 10 + (int(_digits) + 1 if _digits else 0)
    CACHES["default"]["LOCATION"] = urlsplit(REDIS_URL)._replace(path=f"/{_index}").geturl()

# Static files come straight from the finders (no collectstatic before tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Templates only the tests use (a sample notice for the email tests).
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]  # noqa: F405
