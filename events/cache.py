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
import logging
import secrets
import time
from functools import wraps

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.dispatch import receiver
from django.urls import Resolver404, resolve
from django.utils import translation

log = logging.getLogger(__name__)

VERSION_KEY = "schedule:version"
PAGE_TIMEOUT = 24 * 3600


# During a request the version is read once and remembered (the page cache's key, the
# filter menus and the cards' platforms all ask for it): a request shows the schedule
# as it was when it began, and a change it makes itself moves it on. Outside requests
# (tasks, commands) every call reads the shared cache.
_request = Local()


@receiver(request_started)
def _request_started(**kwargs):
    _request.active, _request.version = True, None


@receiver(request_finished)
def _request_finished(**kwargs):
    _request.active, _request.version = False, None


def new_version():
    """A value never used before: the clock, so a fresh (or flushed) cache never reuses
    one, with a random part, so two changes in one tick of a coarse (or a test's
    frozen) clock still differ."""
    return time.time_ns() * 1024 + secrets.randbelow(1024)


def version():
    """The current schedule version."""
    active = getattr(_request, "active", False)
    if active and _request.version is not None:
        return _request.version
    value = cache.get(VERSION_KEY)
    if value is None:
        cache.add(VERSION_KEY, new_version(), timeout=None)
        value = cache.get(VERSION_KEY)
    if active:
        _request.version = value
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
    value = new_version()
    cache.set(VERSION_KEY, value, timeout=None)
    if getattr(_request, "active", False):
        _request.version = value


def per_version(compute):
    """`compute()`'s result, kept in this process until the schedule version changes
    (one cache read instead of the queries). For small, shared data such as the filter
    menus; never for anything that differs by visitor."""
    remembered = {}

    @wraps(compute)
    def current():
        stamp = version()
        held = remembered.get("held")  # (stamp, value), replaced whole, never in parts
        if held is not None and held[0] == stamp:
            return held[1]
        value = compute()
        # A request that began before a change computes for its own (older) stamp and
        # must not replace what a later one stored: stamps come from the clock.
        if held is None or held[0] < stamp:
            remembered["held"] = (stamp, value)
        return value

    return current


def page_key(request, language, stamp):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"page:{stamp}:{language}:{path}"


def public_page(view=None, *, version=version):
    """Mark a view's pages as the same for every anonymous visitor, so the middleware
    below may store them under `version()`: a stamp bumped by every change the page
    shows (the schedule's by default; the mentor directory passes its own).

    @public_page or @public_page(version=other_stamp)."""
    if view is None:
        return lambda view: public_page(view, version=version)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.public_page = True
        return view(request, *args, **kwargs)

    wrapper.public_page = version
    return wrapper


def same_for_everyone(view):
    """Mark a view whose response depends only on its URL (public feeds): the
    middleware below serves it before sessions, users and messages are loaded."""
    view.same_for_everyone = True
    return view


def resolved(path):
    try:
        return resolve(path)
    except Resolver404:
        return None


class PublicPageCacheMiddleware:
    """Serve stored public pages to anonymous visitors before the rest of the stack runs.

    It sits right after the security and static-file middleware: a visitor without a
    session cookie cannot be signed in, so their request is answered from the shared
    cache without loading sessions, users or messages. On the way out, a page from a
    view marked @public_page is stored when it was rendered for an anonymous visitor,
    used no CSRF token, set no cookie and carried no flash message.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        # Answering before CommonMiddleware, this must check the host itself: a name
        # outside ALLOWED_HOSTS raises DisallowedHost here, which Django answers 400.
        request.get_host()
        match = resolved(request.path_info)
        if match and getattr(match.func, "same_for_everyone", False):
            # Nothing further down the stack (sessions, users, CSRF, messages) can
            # change this response, so the view answers at once (feeds: 200 or 304),
            # in the site's language (the locale middleware has not run).
            with translation.override(settings.LANGUAGE_CODE):
                return match.func(request, *match.args, **match.kwargs)
        if not settings.PUBLIC_PAGE_CACHE or request.method != "GET":
            return self.get_response(request)
        key = None
        stamp = getattr(match.func, "public_page", None) if match else None
        if settings.SESSION_COOKIE_NAME not in request.COOKIES and stamp:
            try:
                # The key is fixed before the view runs: if the data changes
                # meanwhile, this rendering is stored under the old version, unread.
                language = translation.get_language_from_request(request)
                key = page_key(request, language, stamp())
                stored = cache.get(key)
            except Exception:  # the cache is down: serve the page from the database
                log.warning("page cache unavailable", exc_info=True)
                key = stored = None
            if stored is not None:
                return stored
        response = self.get_response(request)
        if (
            key is not None
            and getattr(request, "public_page", False)
            and response.status_code == 200
            and not request.user.is_authenticated
            and not request.META.get("CSRF_COOKIE_USED")
            and not response.cookies
            and not getattr(request, "_messages", None)
            and not response.streaming
        ):
            try:
                cache.set(key, response, PAGE_TIMEOUT)
            except Exception:
                log.warning("page cache unavailable", exc_info=True)
        return response
