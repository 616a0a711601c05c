import functools
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from community.models import Guide, Story
from events.cache import public_page
from events.campaigns import current_campaign
from events.links import subscribe_urls
from events.listing import rows
from events.models import Event, FeedToken, Registration
from mentoring_hub.redis_cache import cache_health


@require_safe
@public_page
def home(request):
    """The current or next campaign: theme, dates, upcoming sessions, calls to action."""
    campaign = current_campaign()
    sessions = []
    if campaign:
        events = Event.objects.visible_to(request.user).filter(campaign=campaign)
        today = timezone.localdate()
        upcoming = events.upcoming(today).exists()
        chosen = events.upcoming(today) if upcoming else events
        sessions = rows(chosen.chronological()[:6])
    stories = Story.objects.approved().filter(campaign=campaign)[:3]
    guides = Guide.objects.filter(published=True).only("slug", "title")
    return render(
        request,
        "home.html",
        {"campaign": campaign, "sessions": sessions, "stories": stories, "guides": guides},
        using="jinja2",
    )


@require_safe
@login_required
def dashboard(request):
    """The member's page: their profile, sessions, calendar and proposals, and their
    account. The project's, not an app's: every app has a part in it."""
    registrations = (
        request.user.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("event", "event__host")
        .order_by("event__starts_on", "event__starts_at")
    )
    proposals = request.user.proposals.select_related("campaign", "event")
    feed = FeedToken.for_user(request.user)
    https_url, webcal_url = subscribe_urls(settings.SITE_URL, feed.get_absolute_url())
    return render(
        request,
        "accounts/dashboard.html",
        {
            "registrations": registrations,
            "proposals": proposals,
            "feed_https_url": https_url,
            "feed_webcal_url": webcal_url,
        },
    )


RETRY_AFTER_SECONDS = 30

# What an unreachable database raises: Django wraps the driver's errors in these.
DATABASE_DOWN = (OperationalError, InterfaceError)


@never_cache
@require_safe
@transaction.non_atomic_requests  # it reports a database that is down, in JSON
def healthz(request):
    """For load balancers: 200 while the database answers, whatever the cache does
    (the site works on the database alone, see redis_cache.py); 503 when it does not.
    The JSON says which part is down."""
    cache_state = cache_health(caches["default"])
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse(
            {"status": "error", "database": "unavailable", "cache": cache_state}, status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok", "cache": cache_state})


def server_error(request):
    """The 500 handler. While the database cannot be reached, the page says so with a
    503 and Retry-After (a proxy or browser may try again; nothing was half-written:
    the failed transaction rolled back) instead of an error of ours. Rendered without
    a request, as Django's own 500 page: nothing here may need the database."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))


# Longer than any upload's name (the photo pipeline names files by their hash).
MAX_MEDIA_PATH = 255


@require_safe
def media(request, path):
    """Serve an upload when no separate media server is configured.

    Uploads are user content: they may never run as a page on our origin, so every
    response forbids scripts and sniffing, and anything not an image is a download.
    """
    if len(path) > MAX_MEDIA_PATH or "\x00" in path:
        raise Http404("No such file")  # the file system would refuse it with an error
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if not response.get("Content-Type", "").startswith("image/"):
        disposition = response.get("Content-Disposition", "inline")
        response["Content-Disposition"] = disposition.replace("inline", "attachment", 1)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def bench_ok(request):
    """The trivial baseline view that bench/ compares every page against."""
    return HttpResponse("ok", content_type="text/plain")


BENCH_MAX_BYTES = 8 * 1024 * 1024


@functools.lru_cache(maxsize=4)
def _bench_body(size):
    return b"x" * size


def bench_bytes(request, size):
    """The trivial view sending `size` bytes: what sending a large response (a feed)
    costs by itself, so bench/ can tell that cost from the feed's own."""
    if size > BENCH_MAX_BYTES:
        raise Http404("Too large")
    return HttpResponse(_bench_body(size), content_type="text/plain")
