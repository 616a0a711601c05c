"""Calendar feeds, the JSON schedule, single-session downloads and the stable join link.

Feeds are rebuilt only when the schedule changes: each process keeps the bytes of each
feed it served together with the schedule version they were built from, and a request
checks that version in the shared cache (one read) before serving them. The ETag is
that version (with the filters and language), so a calendar that asks again with
If-None-Match gets 304 Not Modified without the feed being built.
"""

import gzip
import hashlib
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from events import cache as schedule_cache
from events import ics
from events.forms import AgendaFilterForm
from events.models import Event, FeedToken, Registration
from mentoring_hub.cache import same_for_everyone


@dataclass(frozen=True)
class Built:
    """A feed as built in this process from one schedule version, with its gzip form."""

    version: int
    last_modified: datetime
    body: bytes
    compressed: bytes

    @property
    def size(self):
        return len(self.body) + len(self.compressed)


@dataclass(frozen=True)
class Spelling:
    """The canonical filters of a spelling, as read in one schedule version."""

    version: int
    key: str


# What this process keeps; each store's figure is in bench/RESULTS.md ("Figures behind
# design choices in the code"), and forget() drops them all (a new process).
_lock = threading.Lock()
# Built feeds in this process: (kind, canonical filters, language) -> Built, least
# recently served first, within a budget of bytes (filters are free text: every
# spelling must not keep a feed of its own).
_built: OrderedDict = OrderedDict()
_built_bytes = 0
MAX_BUILT_BYTES = 64 * 1024 * 1024
# The canonical filters of each spelling seen, under the schedule version they were
# read in (a new campaign or host makes a filter value valid): raw -> Spelling.
_spellings: dict = {}
MAX_SPELLINGS = 4096


def filters_key(request):
    """The form and the feed filters as a canonical string (invalid values are
    ignored), validated once per request."""
    if hasattr(request, "feed_filters"):
        return request.feed_filters
    form = AgendaFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    pairs = [
        ("campaign", data["campaign"].slug if data.get("campaign") else ""),
        ("host", data["host"].slug if data.get("host") else ""),
        ("platform", data.get("platform") or ""),
        ("q", (data.get("q") or "").strip()),
    ]
    request.feed_filters = (form, urlencode([(k, v) for k, v in pairs if v]))
    return request.feed_filters


FILTER_NAMES = ("campaign", "host", "platform", "q")


def accepts_gzip(request):
    return "gzip" in request.headers.get("Accept-Encoding", "")


def raw_filters(request):
    """The feed filters as given, encoded so that different filters never read the same
    (no form, no database): part of the ETag, and the key to their canonical form."""
    return urlencode([(k, request.GET.get(k, "")) for k in FILTER_NAMES if k in request.GET])


def canonical_filters(request, version):
    """filters_key()'s canonical string, validated once per spelling and schedule
    version: a stored feed is then served without a form."""
    raw = raw_filters(request)
    known = _spellings.get(raw)
    if known is None or known.version != version:
        known = Spelling(version, filters_key(request)[1])
        with _lock:
            if len(_spellings) >= MAX_SPELLINGS:
                _spellings.clear()
            _spellings[raw] = known
    return known.key


def public_etag(kind):
    """The feed's ETag from the raw filters, the schedule version, the language and the
    encoding: no form, no database, one cache read (the 304 path)."""

    def etag(request, *args, **kwargs):
        digest = hashlib.sha256(raw_filters(request).encode()).hexdigest()[:16]
        encoding = "-gz" if accepts_gzip(request) else ""
        stamp = schedule_cache.version()
        return f"{kind}-{stamp}-{translation.get_language()}-{digest}{encoding}"

    return etag


ROW_FIELDS = ("pk", "sequence", "updated_at", "starts_on", "time_tbd", "time_zone", "join_audience")


def feed_events(form):
    """Published and cancelled sessions, past included, narrowed by the filters."""
    return form.filter(Event.objects.listed()).chronological()


# What a VEVENT shows of a session (ics.vevent): loading only these, and no host, makes
# loading the sessions for a cold build markedly cheaper (bench/RESULTS.md).
VEVENT_FIELDS = (
    *("uid", "slug", "title", "summary", "status", "sequence", "created_at", "updated_at"),
    *("starts_on", "starts_at", "ends_at", "time_tbd", "time_zone", "campaign__name"),
)


def load_events(pks):
    """Sessions with what a VEVENT shows for the given primary keys (three queries)."""
    events = (
        Event.objects.filter(pk__in=pks)
        .select_related("campaign")
        .only(*VEVENT_FIELDS)
        .prefetch_related("join_options")
    )
    return {event.pk: event for event in events}


def forget():
    """Drop every calendar store of this process, ics.py's too: a new worker's state
    (for tests and bench/)."""
    for forget_store in (forget_feeds, forget_spellings, ics.forget_entries, ics.forget_zones):
        forget_store()


def forget_feeds():
    """Drop every feed built in this process."""
    global _built_bytes
    with _lock:
        _built.clear()
        _built_bytes = 0


def forget_spellings():
    """Drop the canonical filters of every spelling seen in this process."""
    with _lock:
        _spellings.clear()


def stored_feeds():
    """The feeds this process holds (Built), least recently served first."""
    with _lock:
        return list(_built.values())


def stored_bytes():
    """What the stored feeds count against MAX_BUILT_BYTES: bodies and gzip forms."""
    return _built_bytes


def built(kind, build, request):
    """A Built feed: this process's copy while the schedule version is unchanged, else
    built by `build()` (body, last modified) with its gzip form, for the calendar apps
    that ask for it."""
    global _built_bytes
    version = schedule_cache.version()  # the ETag's read: once a request
    slot = (kind, canonical_filters(request, version), translation.get_language())
    stored = _built.get(slot)
    if stored and stored.version == version:
        with _lock:
            if slot in _built:
                _built.move_to_end(slot)
        return stored
    body, last_modified = build()
    # gzip's default level: smaller than level 1 for a little more time, paid once
    # per change; every request sends less (bench/RESULTS.md).
    stored = Built(version, last_modified, body, gzip.compress(body, compresslevel=6))
    with _lock:
        replaced = _built.pop(slot, None)
        if replaced:
            _built_bytes -= replaced.size
        _built[slot] = stored
        _built_bytes += stored.size
        while _built_bytes > MAX_BUILT_BYTES and len(_built) > 1:
            _old_slot, old = _built.popitem(last=False)
            _built_bytes -= old.size
    return stored


def encoded(stored, request, response_for):
    """`response_for(body)` with the stored feed's body in the encoding the client
    accepts."""
    gzipped = accepts_gzip(request)
    response = response_for(stored.compressed if gzipped else stored.body)
    patch_vary_headers(response, ["Accept-Encoding"])
    if gzipped:
        response["Content-Encoding"] = "gzip"
    return response


def last_modified_of(rows):
    """The newest change among sessions (model instances or value rows)."""
    stamps = (r["updated_at"] if isinstance(r, dict) else r.updated_at for r in rows)
    return max(stamps, default=datetime(2000, 1, 1, tzinfo=UTC))


def calendar_response(body, filename, last_modified=None, attachment=False):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Calendars may keep a copy but must ask again (a 304 is cheap).
    response["Cache-Control"] = "no-cache"
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return sized(response, body)


def sized(response, body):
    """Say the body's length: feeds are answered before the middleware that would
    (CommonMiddleware), and without it gunicorn sends them chunked, copying the whole
    body into each chunk, which slows a large feed (bench/RESULTS.md)."""
    response["Content-Length"] = str(len(body))
    return response


def feed_name(form):
    data = form.cleaned_data
    parts = [settings.SITE_NAME]
    for name in ("campaign", "host"):
        if data.get(name):
            parts.append(str(data[name]))
    return " – ".join(parts)


@same_for_everyone
@require_safe
@condition(etag_func=public_etag("ics"))
def feed_ics(request):
    def build():
        form, key = filters_key(request)
        rows = list(feed_events(form).values(*ROW_FIELDS))
        body = ics.feed(
            rows,
            load_events,
            site_url=settings.SITE_URL,
            name=feed_name(form),
            description=_("Mentoring sessions, kept up to date."),
            show_join=lambda row: row["join_audience"] == Event.Audience.PUBLIC,
            key=f"feed.ics?{key}",
        )
        return body, last_modified_of(rows)

    stored = built("ics", build, request)
    return encoded(
        stored,
        request,
        lambda body: calendar_response(body, "mentoring-sessions.ics", stored.last_modified),
    )


def session_json(event, site_url):
    """One session in the documented JSON schema (README, "JSON schedule")."""
    public = event.join_audience == Event.Audience.PUBLIC
    zone_start = event.local_start
    return {
        "uid": ics.uid(event),
        "url": site_url + event.get_absolute_url(),
        "title": event.title,
        "summary": event.summary,
        "campaign": event.campaign.name,
        "host": event.host.name,
        "status": event.status,
        "date": event.starts_on.isoformat(),
        "time_to_be_decided": event.time_tbd,
        "start": zone_start.isoformat() if zone_start else None,
        "end": event.local_end.isoformat() if event.ends_at else None,
        "time_zone": event.time_zone,
        "platforms": list(
            dict.fromkeys(o.get_platform_display() for o in event.join_options.all())
        ),
        "join": [
            {
                "platform": o.platform,
                "url": o.join_url or None,
                "meeting_id": o.meeting_id or None,
                "passcode": o.passcode or None,
                "place": o.place or None,
            }
            for o in event.join_options.all()
        ]
        if public
        else None,
        "updated": event.updated_at.isoformat(),
        "sequence": event.sequence,
    }


@same_for_everyone
@require_safe
@condition(etag_func=public_etag("json"))
def feed_json(request):
    def build():
        form, _key = filters_key(request)
        events = list(
            feed_events(form).select_related("campaign", "host").prefetch_related("join_options")
        )
        data = {
            "version": 1,
            "name": feed_name(form),
            "sessions": [session_json(e, settings.SITE_URL) for e in events],
        }
        return json.dumps(data, ensure_ascii=False).encode(), last_modified_of(events)

    stored = built("json", build, request)
    response = encoded(
        stored,
        request,
        lambda body: sized(HttpResponse(body, content_type="application/json"), body),
    )
    response["Cache-Control"] = "no-cache"
    response["Last-Modified"] = http_date(stored.last_modified.timestamp())
    response["Access-Control-Allow-Origin"] = "*"  # other sites may embed the schedule
    return response


TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,128}")

# Other apps add entries to personal feeds: objects with stamp(user) -> str (part of
# the ETag; changes when their entries change) and entries(user) -> [ics.Entry].
PERSONAL_PARTS = []


def token_owner(token):
    """The FeedToken for a token from a URL, or None. Tokens are URL-safe base64; other
    characters (a NUL, which PostgreSQL refuses in a query) never reach the database."""
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    return FeedToken.objects.filter(token=token).select_related("user").first()


def personal_etag(request, token):
    feed_token = token_owner(token)
    if feed_token is None:
        return None
    parts = "-".join(part.stamp(feed_token.user) for part in PERSONAL_PARTS)
    owner = feed_token.user_id
    return f"me-{schedule_cache.version()}-{owner}-{parts}-{translation.get_language()}"


@require_safe
@condition(etag_func=personal_etag)
def personal_feed(request, token):
    """A person's own sessions, private by the token in the address."""
    feed_token = token_owner(token)
    if feed_token is None or not feed_token.user.is_active:
        raise Http404("No such feed")
    user = feed_token.user
    rows = list(
        Event.objects.listed()
        .filter(registrations__user=user, registrations__status=Registration.Status.CONFIRMED)
        .chronological()
        .values(*ROW_FIELDS, "slug")
    )
    join_prefix = settings.SITE_URL + reverse("events:agenda")
    body = ics.feed(
        rows,
        load_events,
        site_url=settings.SITE_URL,
        name=_("%(site)s: my sessions") % {"site": settings.SITE_NAME},
        # A confirmed attendee may see the join details of every audience.
        show_join=lambda row: True,
        join_url=lambda row: f"{join_prefix}{row['slug']}/join",
        key=f"personal/{user.pk}",
        extra=[entry for part in PERSONAL_PARTS for entry in part.entries(user)],
    )
    return calendar_response(body, "my-sessions.ics", last_modified_of(rows))


@require_safe
def event_ics(request, slug):
    """One session as a download (never subscribed to: it is a single item)."""
    event = get_object_or_404(
        Event.objects.visible_to(request.user)
        .select_related("campaign", "host")
        .prefetch_related("join_options"),
        slug=slug,
    )
    show = event.join_details_visible_to(request.user)
    body = ics.session_calendar(event, site_url=settings.SITE_URL, show_join=show)
    return calendar_response(body, f"{event.slug}.ics", event.updated_at, attachment=True)


@require_safe
def join(request, slug):
    """The stable join link: whoever may join goes to the current meeting URL; anyone
    else (or a session without a URL) goes to the session page."""
    event = get_object_or_404(Event.objects.listed().prefetch_related("join_options"), slug=slug)
    url = next((o.join_url for o in event.join_options.all() if o.join_url), "")
    if event.status == Event.Status.CANCELLED:
        messages.info(request, _("This session is cancelled."))
    elif (
        url
        and urlsplit(url).scheme in ("http", "https")
        and event.join_details_visible_to(request.user)
    ):
        return redirect(url)
    elif url and not request.user.is_authenticated:
        messages.info(request, _("Log in to join this session."))
    return redirect(event)
