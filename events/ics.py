"""Sessions as iCalendar (RFC 5545): the only module that knows the format.

Every component is built by the icalendar library. A feed is a calendar header (with a
VTIMEZONE for every zone its sessions use, with rules for the years they span) and
each session's VEVENT, serialised once and kept until the session changes: rebuilding a
feed after one change re-serialises one session and splices the stored bytes of the
others between header and footer. Sessions come in as model instances (join options
prefetched); bytes go out.
"""

import threading
import uuid
import zoneinfo
from datetime import date, timedelta

from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone, vDuration
from icalendar import Event as VEvent

PRODID = "-//Mentoring Hub//Sessions//EN"
UID_DOMAIN = "mentoring-hub"
REFRESH = timedelta(hours=1)
# Every VTIMEZONE covers at least these years, whatever the feed holds, so that a
# TZID means the same rules in every calendar we publish: some parsers (vobject)
# keep the first definition of a TZID they meet and apply it to later calendars.
ZONE_YEARS = (2010, 2040)
END = b"END:VCALENDAR\r\n"

_lock = threading.Lock()
_entries: dict = {}  # (event pk, variant) -> (stamp, bytes)
_zones: dict = {}  # (zone, first year, last year) -> VTIMEZONE


def uid(event):
    """Stable for the life of the session: from its UUID, never from editable fields."""
    return f"{event.uid}@{UID_DOMAIN}"


def join_lines(event, options, join_url=None):
    """Plain-text join details: a line per way to attend."""
    lines = []
    for option in options:
        parts = [option.get_platform_display()]
        link = join_url or option.join_url
        if link:
            parts.append(link)
        if option.meeting_id:
            label = _("Webinar ID") if option.platform == "zoom_webinar" else _("Meeting ID")
            parts.append(f"{label}: {option.meeting_id_display}")
        if option.passcode:
            parts.append(f"{_('Passcode')}: {option.passcode}")
        if option.place:
            parts.append(option.place)
        lines.append(" · ".join(parts))
    return lines


def vevent(event, *, site_url, show_join, join_url=None):
    """One session as a VEVENT.

    `show_join` says whether this calendar's reader may see the join details; when
    `join_url` is given (personal feeds) it stands for the raw meeting link, so a
    changed link reaches the calendar without waiting for a refresh.
    """
    options = list(event.join_options.all())
    page = site_url + event.get_absolute_url()
    title = event.title
    if event.time_tbd:
        title = _("%(title)s (time to be decided)") % {"title": title}
    if event.status == event.Status.CANCELLED:
        title = _("Cancelled: %(title)s") % {"title": title}
    description = [event.summary, event.description, "", f"{_('Session page')}: {page}"]
    if show_join and options:
        description += ["", _("How to join:"), *join_lines(event, options, join_url)]
    elif options:
        description += ["", _("Join details are on the session page.")]
    places = [o.place for o in options if o.place]
    location = places[0] if places else None
    if location is None and show_join:
        location = join_url or next((o.join_url for o in options if o.join_url), None)
    if location is None and options:
        location = ", ".join(dict.fromkeys(o.get_platform_display() for o in options))
    if event.time_tbd or event.starts_at is None:
        # A date and no time: an all-day, tentative entry on its own date.
        start, end = event.starts_on, event.starts_on + timedelta(days=1)
    else:
        start = event.starts_at.astimezone(zoneinfo.ZoneInfo(event.time_zone))
        end = event.ends_at.astimezone(start.tzinfo) if event.ends_at else None
    status = (
        "CANCELLED"
        if event.status == event.Status.CANCELLED
        else "TENTATIVE"
        if event.time_tbd
        else "CONFIRMED"
    )
    component = VEvent.new(
        uid=uid(event),
        summary=title,
        description="\n".join(line for line in description if line is not None).strip(),
        start=start,
        end=end,
        stamp=event.updated_at,
        created=event.created_at,
        last_modified=event.updated_at,
        sequence=event.sequence,
        status=status,
        location=location,
        url=page,
        categories=[event.campaign.name, *dict.fromkeys(o.get_platform_display() for o in options)],
    )
    if event.time_tbd:
        component.add("TRANSP", "TRANSPARENT")  # a placeholder should not block the day
    return component


def event_bytes(event, *, site_url, show_join, join_url=None, variant="public"):
    """The VEVENT's bytes, re-serialised only when the session changed."""
    key = (event.pk, variant)
    stamp = (event.sequence, event.updated_at, show_join, join_url, site_url)
    cached = _entries.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    data = vevent(event, site_url=site_url, show_join=show_join, join_url=join_url).to_ical()
    with _lock:
        _entries[key] = (stamp, data)
    return data


def vtimezone(zone, first_year, last_year):
    """A VTIMEZONE with the zone's rules for the years given (built once per process).

    Each change of offset is its own STANDARD or DAYLIGHT component with a DTSTART:
    icalendar would otherwise list later years as RDATEs, which some parsers (dateutil,
    so vobject) ignore, applying the first year's rules to every year.
    """
    key = (zone, first_year, last_year)
    if key not in _zones:
        component = Timezone.from_tzid(
            zone, first_date=date(first_year, 1, 1), last_date=date(first_year + 1, 1, 1)
        )
        component["COMMENT"] = f"Rules for {first_year} to {last_year}."
        for year in range(first_year + 1, last_year + 1):
            later = Timezone.from_tzid(
                zone, first_date=date(year, 1, 1), last_date=date(year + 1, 1, 1)
            )
            for part in later.subcomponents:
                if part["TZOFFSETFROM"].td != part["TZOFFSETTO"].td:  # a real change
                    component.add_component(part)
        with _lock:
            _zones[key] = component
    return _zones[key]


def calendar(entries, *, name, description="", zones=(), years=None, default_zone=None, key=""):
    """A VCALENDAR of already serialised VEVENTs.

    `zones` are the TZIDs the events use and `years` (first, last) the years they
    span, so each VTIMEZONE carries the right rules for them.
    """
    cal = Calendar.new(
        prodid=PRODID,
        # The same feed keeps the same UID (RFC 7986) from build to build.
        uid=uuid.uuid5(uuid.NAMESPACE_URL, f"{UID_DOMAIN}/{key or name}"),
        name=name,
        description=description or None,
        method="PUBLISH",
        calscale="GREGORIAN",
        refresh_interval=REFRESH,
    )
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # required by RFC 7986
    cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    if default_zone:
        cal.add("X-WR-TIMEZONE", default_zone)
    first, last = years or ZONE_YEARS
    first, last = min(first, ZONE_YEARS[0]), max(last, ZONE_YEARS[1])
    for zone in sorted(set(zones)):
        cal.add_component(vtimezone(zone, first, last))
    head = cal.to_ical()
    if not head.endswith(END):  # icalendar always ends a calendar with END:VCALENDAR
        raise ValueError("unexpected calendar serialisation")
    return b"".join([head[: -len(END)], *entries, END])


def feed(events, *, site_url, name, description="", personal_join_url=None, show_join=None, key=""):
    """A whole feed from events (with join options, campaign and host loaded).

    `show_join(event)` decides per session whether join details are included;
    `personal_join_url(event)` gives the stable join link for a person's own feed.
    """
    zones, years, entries = set(), set(), []
    for event in events:
        visible = show_join(event) if show_join else False
        join_url = personal_join_url(event) if personal_join_url else None
        variant = "personal" if personal_join_url else "public"
        entries.append(
            event_bytes(
                event, site_url=site_url, show_join=visible, join_url=join_url, variant=variant
            )
        )
        years.add(event.starts_on.year)
        if not event.time_tbd:
            zones.add(event.time_zone)
    span = (min(years), max(years)) if years else None
    default_zone = (
        max(zones, key=lambda z: sum(1 for e in events if e.time_zone == z)) if zones else None
    )
    return calendar(
        entries,
        name=name,
        description=description,
        zones=zones,
        years=span,
        default_zone=default_zone,
    )
