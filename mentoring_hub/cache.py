"""The cache layer: version stamps, what is kept per stamp, and the public page cache.

A version stamp is one integer in the shared cache (Redis or the database cache, never
per process) that every change to the data it covers replaces: the schedule's
(events/cache.py) and the mentors' (mentors/suggest.py). Whatever is derived from that
data is kept under the stamp it was derived with: public pages in the shared cache,
small data (filter menus) and arrays (suggestions) in each process. A change makes all
of it unreachable at once, on every host, with nothing to purge.

A stamp never expires, so it is written with no timeout: the Redis backend lists such
keys in the database when it writes them without Redis, and deletes them from Redis
before using it again (mentoring_hub/redis_cache.py, the `heal_redis_cache` job).

Signed-in visitors are never served a stored page (their pages hold their own state),
and a response that used a CSRF token, set a cookie or carried a flash message is
never stored.
"""

import hashlib
import logging
import secrets
import threading
import time
import weakref
from functools import update_wrapper, wraps

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.dispatch import receiver
from django.urls import Resolver404, resolve
from django.utils import translation

log = logging.getLogger(__name__)

PAGE_TIMEOUT = 24 * 3600

# Every stamp by name: two stamps on one key would bump each other.
STAMPS = weakref.WeakValueDictionary()

# During a request each stamp is read once and remembered ({key: value}): a request
# shows the data as it was when it began, and a change it makes itself moves it on.
# Outside requests (tasks, commands) every read asks the shared cache.
_request = Local()


@receiver(request_started)
def _request_started(**kwargs):
    _request.stamps = {}


@receiver(request_finished)
def _request_finished(**kwargs):
    _request.stamps = None


_version_lock = threading.Lock()
_newest = 0


def new_version():
    """A value never used before: the clock, so a fresh (or flushed) cache never reuses
    one; a random part, so two processes changing data in one tick of a coarse clock
    still differ; and never below this process's previous value, so a frozen clock (a
    test's) cannot repeat one."""
    global _newest
    with _version_lock:
        _newest = max(time.time_ns() * 1024 + secrets.randbelow(1024), _newest + 1)
        return _newest


class VersionStamp:
    """A version stamp in the shared cache. Call it for the current value.

    bump() replaces it when the current transaction commits: a rollback changes
    nothing, and no other request can see the new value before the data it stands for.
    Until the commit, this transaction alone sees a value of its own, so what it reads
    after its own change is never what was stored before it.
    """

    def __init__(self, name):
        if name in STAMPS:
            raise ImproperlyConfigured(f"Two version stamps are named {name!r}.")
        STAMPS[name] = self
        self.name = name
        self.key = f"version:{name}"
        self._bumps = Local()  # this thread's uncommitted bumps: [(publish, value)]
        self._memos = weakref.WeakSet()

    def __repr__(self):
        return f"<VersionStamp {self.name}>"

    def __call__(self):
        pending = self._pending()
        if pending is not None:
            return pending
        seen = getattr(_request, "stamps", None)
        if seen is not None and self.key in seen:
            return seen[self.key]
        value = cache.get(self.key)
        if value is None:
            # First read after a deploy or a flush. While no cache answers at all, a
            # fresh value each time: nothing is ever served from under it.
            fresh = new_version()
            cache.add(self.key, fresh, timeout=None)
            value = cache.get(self.key, fresh)
        if seen is not None:
            seen[self.key] = value
        return value

    def bump(self):
        """Retire everything kept under the current value, once the change commits
        (at once outside a transaction)."""
        bumps = self._bump_list()
        value = new_version()

        def publish():
            # One write per transaction, however many bumps it made.
            if any(entry[0] is publish for entry in self._bump_list()):
                self._publish()

        bumps.append((publish, value))
        transaction.on_commit(publish)

    def _publish(self):
        self._bumps.list = []
        # A new value rather than incr(): the database cache's incr() would give the key
        # the default timeout, and any value not used before does the job. Not the value
        # this transaction used: what it kept under that one may hold data read before
        # its last change.
        value = new_version()
        cache.set(self.key, value, timeout=None)
        seen = getattr(_request, "stamps", None)
        if seen is not None:
            seen[self.key] = value

    def _bump_list(self):
        bumps = getattr(self._bumps, "list", None)
        if bumps is None:
            bumps = self._bumps.list = []
        return bumps

    def _pending(self):
        """The value of this thread's latest bump still waiting for its commit, if any.
        A bump whose savepoint or transaction rolled back has left the connection's
        commit hooks (Django drops them), and so leaves here."""
        bumps = getattr(self._bumps, "list", None)
        if not bumps:
            return None
        hooks = [hook for _savepoints, hook, _robust in transaction.get_connection().run_on_commit]
        while bumps and bumps[-1][0] not in hooks:
            bumps.pop()
        return bumps[-1][1] if bumps else None

    def reset(self):
        """Start again as on an empty cache: the shared value goes (the next read makes
        a new one), with this thread's uncommitted bumps, the current request's
        remembered value and what this process's memos hold. Tests use it."""
        self._bumps.list = []
        seen = getattr(_request, "stamps", None)
        if seen is not None:
            seen.pop(self.key, None)
        for memo in list(self._memos):
            memo.forget()
        cache.delete(self.key)

    def memo(self, compute, keep=2):
        """`compute()`'s result, kept in this process per value of this stamp (one cache
        read instead of the queries). For small, shared data (filter menus) and arrays
        built from many rows; never for anything that differs by visitor. Usable as a
        decorator; the result has forget()."""
        memo = Memo(self, compute, keep)
        self._memos.add(memo)
        return memo


class Memo:
    """What a function returned, kept in this process for the last `keep` values of a
    stamp it is keyed on. A value is only ever served under the exact stamp it was
    computed for: a request that began before a change computes for its own (older)
    stamp and keeps that beside the newer one, never in its place."""

    def __init__(self, stamp, compute, keep=2):
        update_wrapper(self, compute)
        self.stamp, self.compute, self.keep = stamp, compute, keep
        self._held = {}  # {stamp: value}, oldest first; replaced whole, never in parts
        self._lock = threading.Lock()

    def __call__(self):
        stamp = self.stamp()
        held = self._held
        if stamp in held:
            return held[stamp]
        # One thread computes while the others wait for its result.
        with self._lock:
            held = self._held
            if stamp in held:
                return held[stamp]
            value = self.compute()
            kept = {**held, stamp: value}
            for old in list(kept)[: -self.keep]:
                del kept[old]
            self._held = kept
            return value

    def forget(self):
        """Drop what this process holds: the next call computes afresh."""
        with self._lock:
            self._held = {}


def page_key(request, language, stamp):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"page:{stamp}:{language}:{path}"


def public_page(view=None, *, version):
    """Mark a view's pages as the same for every anonymous visitor, so the middleware
    below may store them under `version()`: a stamp bumped by every change the page
    shows. @public_page(version=stamp)."""
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
