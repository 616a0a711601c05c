import calendar as pycalendar
from datetime import date
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from events import booking, links, proposals
from events.cache import public_page
from events.forms import AgendaFilterForm, ProposalForm
from events.listing import rows
from events.models import Event, FeedToken, Proposal, Registration
from events.templatetags.events_tags import long_date, time_range, weekday_name
from mentoring_hub import cards

AGENDA_PAGE_SIZE = 25


def group_by_day(items):
    """[(date, [rows...]), ...] in the order given."""
    return [(day, list(group)) for day, group in groupby(items, key=lambda r: r.starts_on)]


def query_without(request, *names):
    """The current query string minus some parameters (for pagination links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@require_safe
@public_page
def agenda(request):
    form = AgendaFilterForm(request.GET)
    events = form.filter(Event.objects.visible_to(request.user))
    today = timezone.localdate()
    past = form.cleaned_data.get("past", False)
    if past:
        events = events.past(today).order_by("-starts_on", "-starts_at", "title")
    else:
        events = events.upcoming(today).chronological()
    # A window of rows, one more than shown to know whether there is a next page:
    # no COUNT over the whole schedule.
    number = form.cleaned_data.get("page") or 1
    start = (number - 1) * AGENDA_PAGE_SIZE
    window = rows(events[start : start + AGENDA_PAGE_SIZE + 1])
    return render(
        request,
        "events/agenda.html",
        {
            "filters": form.menus(),
            "past": past,
            "page_number": number,
            "has_next": len(window) > AGENDA_PAGE_SIZE,
            "days": group_by_day(window[:AGENDA_PAGE_SIZE]),
            "campaign": form.cleaned_data.get("campaign"),
            "filters_query": query_without(request, "page"),
            "other_view_query": query_without(request, "page", "past"),
            "subscribe": links.subscribe_urls(
                settings.SITE_URL, reverse("events:feed"), query_without(request, "page", "past")
            ),
        },
        using="jinja2",
    )


@require_safe
@public_page
def calendar(request, year=None, month=None):
    today = timezone.localdate()
    if year is None:
        year, month = today.year, today.month
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        raise Http404("No such month")
    form = AgendaFilterForm(request.GET)
    first = date(year, month, 1)
    last = date(year, month, pycalendar.monthrange(year, month)[1])
    visible = form.filter(Event.objects.visible_to(request.user))
    events = visible.filter(starts_on__range=(first, last)).chronological()
    by_day = dict(group_by_day(rows(events, compact=True)))
    first_weekday = (formats.get_format("FIRST_DAY_OF_WEEK") - 1) % 7  # Django: 0 = Sunday
    month_calendar = pycalendar.Calendar(firstweekday=first_weekday)
    month_days = month_calendar.monthdatescalendar(year, month)
    weeks = [[(day, by_day.get(day, ())) for day in week] for week in month_days]
    weekday_names = [weekday_name(day) for day in month_days[0]]
    previous_month = (first.replace(day=1) - date.resolution).replace(day=1)
    next_month = last + date.resolution
    next_event = None
    if not by_day:
        next_event = visible.filter(starts_on__gt=last).chronological().only("starts_on").first()
    query = query_without(request, "page")
    return render(
        request,
        "events/calendar.html",
        {
            "filters": form.menus(),
            "month": first,
            "weeks": weeks,
            "weekday_names": weekday_names,
            "today": today,
            "previous_url": month_url(previous_month, query),
            "next_url": month_url(next_month, query),
            "next_event_url": month_url(next_event.starts_on, query) if next_event else None,
            "next_event_month": next_event.starts_on if next_event else None,
            "has_events": bool(by_day),
        },
        using="jinja2",
    )


def month_url(day, query=""):
    url = reverse("events:calendar_month", args=[day.year, day.month])
    return f"{url}?{query}" if query else url


@require_safe
@public_page
def detail(request, slug):
    events = Event.objects.visible_to(request.user).select_related("campaign", "host")
    event = get_object_or_404(events, slug=slug)
    page = event.get_absolute_url()  # reversed once: the page links to itself five times
    registration = None
    if request.user.is_authenticated:
        registration = event.registrations.filter(user=request.user).first()
        if registration and registration.status == Registration.Status.CANCELLED:
            registration = None
    registered = registration is not None and registration.status == Registration.Status.CONFIRMED
    # Places and the waiting list exist only for sessions with a capacity.
    taken = booking.counts(event) if event.capacity is not None else {"waiting": 0}
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "join_options": list(event.join_options.all()),  # one query, no prefetch step
            "can_see_join_details": event.join_details_visible_to(
                request.user, registered=registered
            ),
            "registration": registration,
            "waiting_position": booking.waiting_position(registration) if registration else None,
            "closed_reason": booking.closed_reason(event),
            "places_left": None
            if event.capacity is None
            else max(event.capacity - taken["confirmed"], 0),
            "waiting_count": taken["waiting"],
            "page_path": page,
            "google_url": links.google_url(event, settings.SITE_URL + page),
            "outlook_url": links.outlook_url(event, settings.SITE_URL + page),
            "share_title": event.title,
            "share_description": event.summary or event.title,
            "share_image": settings.SITE_URL + reverse("events:card", args=[event.slug]),
            "share_url": settings.SITE_URL + page,
        },
        using="jinja2",
    )


@require_safe
def card(request, slug):
    """The session's share image (Open Graph / Twitter), redrawn when it changes."""
    event = get_object_or_404(
        Event.objects.visible_to(request.user).select_related("host", "campaign"), slug=slug
    )
    return cards.response(
        f"event:{event.pk}",
        f"{event.sequence}:{event.updated_at.timestamp()}",
        lambda: cards.draw(
            event.title,
            [f"{long_date(event.starts_on)}, {time_range(event)}", event.host.name],
            kicker=_("Cancelled") if event.is_cancelled else event.campaign.name,
        ),
    )


@require_POST
def register(request, slug):
    """Register for, or cancel, a place (POST, then back to the session page)."""
    event = get_object_or_404(Event.objects.listed(), slug=slug)
    if not request.user.is_authenticated:
        # The page shows visitors a log-in link; a stray POST gets the same journey.
        return redirect_to_login(event.get_absolute_url())
    if request.POST.get("action") == "cancel":
        booking.cancel(event, request.user)  # whoever is promoted is told by email
        messages.success(request, _("Your registration is cancelled."))
    else:
        try:
            registration = booking.register(event, request.user)
        except booking.RegistrationClosed as exc:
            messages.error(request, str(exc))
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("You're registered. We've emailed you the details."))
            else:
                messages.info(
                    request,
                    _("The session is full: you're on the waiting list, number %(n)s.")
                    % {"n": booking.waiting_position(registration)},
                )
    return redirect(event)


@require_POST
@login_required
def regenerate_feed(request):
    """A new private feed address; calendars using the old one stop receiving it."""
    FeedToken.for_user(request.user).regenerate()
    messages.success(
        request,
        _("Your calendar has a new address. Subscribe again with it: the old one no longer works."),
    )
    return redirect("me:dashboard")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def propose(request, pk=None):
    """Propose a session (or edit your own open proposal, which returns it for review)."""
    proposal = None
    if pk is not None:
        proposal = get_object_or_404(Proposal, pk=pk, proposer=request.user)
        if not proposal.is_open:
            messages.info(request, _("This proposal has been decided and can no longer be edited."))
            return redirect("me:dashboard")
    elif request.method == "POST" and proposals.over_daily_limit(request.user):
        messages.error(
            request,
            _("You have sent %(n)s proposals today. Please wait a day before sending more.")
            % {"n": proposals.MAX_PER_DAY},
        )
        return redirect("me:dashboard")
    form = ProposalForm(request.POST or None, instance=proposal)
    if request.method == "POST" and form.is_valid():
        proposal = proposals.submit(form.save(commit=False), request.user)
        messages.success(
            request, _("Thank you. The organisers will review your proposal and email you.")
        )
        return redirect("me:dashboard")
    return render(request, "events/propose.html", {"form": form, "proposal": proposal})
