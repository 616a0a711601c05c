"""The schedule's version stamp, and the shared cache of public pages keyed on it.

Every change to a campaign, host, session or join option bumps one integer in the
shared cache (Redis or the database cache, never per process). Public pages rendered
for anonymous visitors are stored under a key that includes that integer, so a change
makes every stored page unreachable at once, on every host, with nothing to purge: a
visitor never sees a stale time or join link. Signed-in visitors are never served a
stored page (their pages hold their own state), and a response that used a CSRF
token, set a cookie or carried a flash message is never stored.
"""

import hashlib
import time
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

VERSION_KEY = "schedule:version"
PAGE_TIMEOUT = 24 * 3600


def version():
    """The current schedule version. A fresh (or flushed) cache starts from the clock,
    so a version is never reused."""
    value = cache.get(VERSION_KEY)
    if value is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        value = cache.get(VERSION_KEY)
    return value


def bump():
    """Invalidate every cached public page and feed, once the change is committed.

    Bumped again after commit: a page rendered by another request between the write
    and the commit would otherwise be stored under the new version with old data.
    """
    _bump_now()
    transaction.on_commit(_bump_now)


def _bump_now():
    # A new value from the clock rather than incr(): the database cache's incr() would
    # give the key the default timeout, and any value not used before does the job.
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def page_key(request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"page:{version()}:{translation.get_language()}:{path}"


def public_page(view):
    """Serve the view's rendering from the shared cache to anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = page_key(request)
        stored = cache.get(key)
        if stored is not None:
            return stored
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if (
            response.status_code == 200
            and not request.META.get("CSRF_COOKIE_USED")
            and not response.cookies
            and not getattr(request, "_messages", None)
        ):
            cache.set(key, response, PAGE_TIMEOUT)
        return response

    return wrapper
