"""Every calendar as iCalendar (RFC 5545): the only module that knows the format.

Public and personal feeds, single-session files (downloads, email attachments) and
mentoring and group meetings; and reading calendars for import. Every component is
built by the icalendar library. A feed is a calendar header, a VTIMEZONE for every
zone its sessions use (with rules for the years they span) and each session's VEVENT,
serialised once and kept until the session changes: rebuilding a feed after one
change re-serialises one session and splices the stored bytes of the others. The
serialised VEVENTs are shared through the cache too, so a new worker takes them
instead of serialising every session again. Sessions come in as model instances (join
options prefetched), meetings as Meeting records; bytes go out.
"""

import codecs
import hashlib
import logging
import threading
import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dateutil.rrule import rrulestr
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone, vCategory, vDDDTypes, vDuration, vInt, vText, vUri
from icalendar import Event as VEvent

from events.models import JoinOption, session_paths
from events.validators import happens_twice, one_line

PRODID = "-//Mentoring Hub//Sessions//EN"
UID_DOMAIN = "mentoring-hub"
REFRESH = timedelta(hours=1)
# Every VTIMEZONE covers at least these years, whatever the feed holds, so that a
# TZID means the same rules in every calendar we publish: some parsers (vobject)
# keep the first definition of a TZID they meet and apply it to later calendars.
ZONE_YEARS = (2010, 2040)
END = b"END:VCALENDAR\r\n"

log = logging.getLogger(__name__)
# What this process keeps between calendars; each store's figure is in bench/RESULTS.md
# ("Figures behind design choices in the code"), and each has its forget_*() for tests
# and bench/ (a new process).
_lock = threading.Lock()
_entries: dict = {}  # Slot -> Stored
_zones: dict = {}  # (zone, first year, last year) -> serialised VTIMEZONE


def forget_entries():
    """Drop the VEVENTs serialised in this process (the shared cache keeps its own)."""
    with _lock:
        _entries.clear()


def forget_zones():
    """Drop the VTIMEZONEs serialised in this process."""
    with _lock:
        _zones.clear()


def uid(event):
    """Stable for the life of the session: from its UUID, never from editable fields."""
    return f"{event.uid}@{UID_DOMAIN}"


@dataclass(frozen=True)
class Entry:
    """A serialised VEVENT for a feed, with what the feed's header needs of it: the
    zone its times are in (None for a date without a time) and its year."""

    data: bytes
    zone: str | None
    year: int


@dataclass(frozen=True)
class Meeting:
    """A mentoring or group meeting as a calendar shows it. The caller decides what
    goes in (whose name, which page, where); this module decides how it is written.

    `key` names the meeting for good ("meeting-12", "group-meeting-3"): the UID is
    made from it and must never change. `how` is the format (video, phone, online, a
    city), `where` the place or link the people meeting may see ("" for none)."""

    key: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    updated_at: datetime
    sequence: int
    cancelled: bool
    how: str
    where: str
    page: str


def labels(language):
    """The words a VEVENT uses, in `language`."""
    with translation.override(language):
        return {
            "tbd": _("%(title)s (time to be decided)"),
            "cancelled": _("Cancelled: %(title)s"),
            "page": _("Session page"),
            "how": _("How to join:"),
            "elsewhere": _("Join details are on the session page."),
            "webinar_id": _("Webinar ID"),
            "meeting_id": _("Meeting ID"),
            "passcode": _("Passcode"),
            "platforms": {value: str(label) for value, label in JoinOption.Platform.choices},
        }


def join_lines(options, words, join_url=None):
    """Plain-text join details: a line per way to attend."""
    lines = []
    for option in options:
        parts = [words["platforms"][option.platform]]
        link = join_url or option.join_url
        if link:
            parts.append(link)
        if option.meeting_id:
            label = (
                words["webinar_id"] if option.platform == "zoom_webinar" else words["meeting_id"]
            )
            parts.append(f"{label}: {option.meeting_id_display}")
        if option.passcode:
            parts.append(f"{words['passcode']}: {option.passcode}")
        if option.place:
            parts.append(option.place)
        lines.append(" · ".join(parts))
    return lines


def vevent(event, *, site_url, show_join, join_url=None, page=None):
    """One session as a VEVENT.

    `show_join` says whether this calendar's reader may see the join details; when
    `join_url` is given (personal feeds) it stands for the raw meeting link, so a
    changed link reaches the calendar without waiting for a refresh. The description
    is the session's summary, its page and how to join; the full text is on the page.
    `page` is the page's URL when the caller has it (feeds: see session_paths).
    """
    words = labels(translation.get_language())
    options = list(event.join_options.all())
    platforms = list(dict.fromkeys(words["platforms"][o.platform] for o in options))
    page = page or site_url + event.get_absolute_url()
    title = event.title
    if event.time_tbd:
        title = words["tbd"] % {"title": title}
    if event.status == event.Status.CANCELLED:
        title = words["cancelled"] % {"title": title}
    description = [event.summary, "", f"{words['page']}: {page}"]
    if show_join and options:
        description += ["", words["how"], *join_lines(options, words, join_url)]
    elif options:
        description += ["", words["elsewhere"]]
    places = [o.place for o in options if o.place]
    location = places[0] if places else None
    if location is None and show_join:
        location = join_url or next((o.join_url for o in options if o.join_url), None)
    if location is None and platforms:
        location = ", ".join(platforms)
    if event.time_tbd or event.starts_at is None:
        # A date and no time: an all-day, tentative entry on its own date.
        start, end = event.starts_on, event.starts_on + timedelta(days=1)
    else:
        start = event.starts_at.astimezone(zoneinfo.ZoneInfo(event.time_zone))
        end = event.ends_at.astimezone(start.tzinfo) if event.ends_at else None
        if happens_twice(start) or (end and happens_twice(end)):
            # In the hour that repeats when clocks go back, a local time names two
            # instants: icalendar writes both alike (it drops `fold`), and parsers
            # read them an hour apart. In UTC the time names one.
            start, end = start.astimezone(UTC), end and end.astimezone(UTC)
    status = (
        "CANCELLED"
        if event.status == event.Status.CANCELLED
        else "TENTATIVE"
        if event.time_tbd
        else "CONFIRMED"
    )
    # Each property is set as its icalendar type: Event.new() validates its arguments
    # and add() infers each type again, which together were most of the cost of a cold
    # build of a large feed (bench/RESULTS.md). DTSTAMP, CREATED and LAST-MODIFIED are in
    # UTC (RFC 5545).
    component = VEvent()
    component["UID"] = vText(uid(event))
    component["SUMMARY"] = vText(title)
    component["DESCRIPTION"] = vText("\n".join(description).strip())
    component["DTSTART"] = vDDDTypes(start)
    if end is not None:
        component["DTEND"] = vDDDTypes(end)
    component["DTSTAMP"] = vDDDTypes(event.updated_at.astimezone(UTC))
    component["CREATED"] = vDDDTypes(event.created_at.astimezone(UTC))
    component["LAST-MODIFIED"] = vDDDTypes(event.updated_at.astimezone(UTC))
    component["SEQUENCE"] = vInt(event.sequence)
    component["STATUS"] = vText(status)
    if location:
        component["LOCATION"] = vText(location)
    component["URL"] = vUri(page)
    component["CATEGORIES"] = vCategory([event.campaign.name, *platforms])
    if event.time_tbd:
        component["TRANSP"] = vText("TRANSPARENT")  # a placeholder should not block the day
    return component


def session_calendar(event, *, site_url, show_join, join_url=None):
    """One session as a calendar of its own (a download, an email attachment): its
    VEVENT (see vevent()) with the VTIMEZONE of its zone."""
    component = vevent(event, site_url=site_url, show_join=show_join, join_url=join_url)
    return calendar(
        [serialise(component)],
        name=event.title,
        zones=[] if event.time_tbd else [event.time_zone],
        years=(event.starts_on.year, event.starts_on.year),
    )


def meeting_vevent(meeting):
    """A Meeting as a VEVENT. A cancelled meeting keeps its UID, with a higher SEQUENCE
    and without its place: calendars drop it (and, after a block, the other side
    gets no place)."""
    words = labels(translation.get_language())
    summary = meeting.summary
    if meeting.cancelled:
        summary = words["cancelled"] % {"title": summary}
    zone = zoneinfo.ZoneInfo(meeting.time_zone)
    component = VEvent()
    component["UID"] = vText(f"{meeting.key}@{UID_DOMAIN}")
    component["SUMMARY"] = vText(summary)
    component["DTSTART"] = vDDDTypes(meeting.starts_at.astimezone(zone))
    component["DTEND"] = vDDDTypes(meeting.ends_at.astimezone(zone))
    component["DTSTAMP"] = vDDDTypes(meeting.updated_at.astimezone(UTC))
    component["LAST-MODIFIED"] = vDDDTypes(meeting.updated_at.astimezone(UTC))
    component["SEQUENCE"] = vInt(meeting.sequence)
    component["STATUS"] = vText("CANCELLED" if meeting.cancelled else "CONFIRMED")
    if not meeting.cancelled:
        component["LOCATION"] = vText(meeting.where or meeting.how)
    component["DESCRIPTION"] = vText(f"{meeting.how}\n{meeting.page}")
    component["URL"] = vUri(meeting.page)
    return component


def meeting_entry(meeting):
    """A Meeting, serialised for a personal feed."""
    return Entry(serialise(meeting_vevent(meeting)), meeting.time_zone, meeting.starts_at.year)


# A cold build of a 1,000-session feed spent most of its time in icalendar turning
# properties into content lines: a line object, a text conversion and an empty
# parameter set per property, and folding by walking every character (encoding each
# one). Here each property's value and parameters are still serialised by icalendar
# (`to_ical()`), and only the line is put together as bytes: NAME[;PARAMS]:VALUE, cut
# into pieces of at most 74 octets by slicing, with icalendar's two rules: never inside
# a character's octets, and never right after a backslash or caret (an escape stays
# whole: that octet moves to the next piece). The bytes are the same as to_ical()'s
# (property-tested against it, and checked on every launch session).
FOLD_AT = 75
PIECE = FOLD_AT - 1
ESCAPES = b"\\^"


def fold(data):
    """A content line's bytes, folded as icalendar folds it."""
    pieces, start, end = [], 0, len(data)
    while end - start > PIECE:
        cut = start + PIECE
        while data[cut] & 0xC0 == 0x80:  # a continuation octet: inside a character
            cut -= 1
        if data[cut - 1] in ESCAPES:
            cut -= 1
        pieces.append(data[start:cut])
        start = cut
    if not pieces:
        return data
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def as_bytes(value):
    """icalendar reads what to_ical() gives as UTF-8 with an optional byte-order mark."""
    data = value.encode("utf-8") if isinstance(value, str) else value
    return data.removeprefix(codecs.BOM_UTF8)


def content_line(name, value):
    """One property as icalendar's Contentline.from_parts writes it, unfolded."""
    if name in ("BEGIN", "END"):  # property_items gives these as serialised names
        return f"{name}:".encode() + value
    data = as_bytes(value.to_ical() if hasattr(value, "to_ical") else vText(value).to_ical())
    params = getattr(value, "params", None)
    if params:
        written = as_bytes(params.to_ical(sorted=True))
        if written:  # some parameters (TZID=UTC) are never written
            return b"%s;%s:%s" % (name.encode(), written, data)
    return b"%s:%s" % (name.encode(), data)


def serialise(component):
    """`component.to_ical()`, the same bytes, sooner."""
    lines = [fold(content_line(name, value)) for name, value in component.property_items()]
    return b"\r\n".join(lines) + b"\r\n"


@dataclass(frozen=True)
class Stamp:
    """What a stored VEVENT depends on: when any of it changes, it is rebuilt."""

    sequence: int
    updated_at: datetime
    show_join: bool
    join_url: str | None
    site_url: str
    language: str


@dataclass(frozen=True)
class Slot:
    """Where a session's VEVENT is stored: public and personal feeds write it apart."""

    pk: int
    variant: str


@dataclass(frozen=True)
class Wanted:
    """A session in the feed being built: where its VEVENT is stored and the stamp the
    stored VEVENT must have."""

    slot: Slot
    stamp: Stamp


@dataclass(frozen=True)
class Stored:
    """A VEVENT serialised for this process, with the stamp it was written for."""

    stamp: Stamp
    data: bytes


# Serialised VEVENTs are also kept in the shared cache, under their stamp: a worker that
# starts (or another machine) takes the others' work instead of serialising every
# session again. A stamp is never reused, so a stored entry is never stale.
SHARED_TIMEOUT = 7 * 24 * 3600


# Part of every shared key: raised when the bytes written for the same session change
# (2: times in the repeated hour in UTC), so no process takes an older writer's entry.
ENTRY_FORMAT = 2


def shared_key(wanted):
    digest = hashlib.sha256(repr(wanted.stamp).encode()).hexdigest()[:24]
    return f"ics{ENTRY_FORMAT}:{wanted.slot.pk}:{wanted.slot.variant}:{digest}"


def shared_entries(stale):
    """{slot: bytes} for the stale entries (Wanted) another process already serialised."""
    if not stale:
        return {}
    keys = {shared_key(wanted): wanted.slot for wanted in stale}
    try:
        found = cache.get_many(list(keys))
    except Exception:  # the cache is down: serialise here
        log.warning("shared calendar entries unavailable", exc_info=True)
        return {}
    return {keys[key]: data for key, data in found.items()}


def share(made):
    if made:
        try:
            cache.set_many(made, SHARED_TIMEOUT)
        except Exception:
            log.warning("shared calendar entries unavailable", exc_info=True)


def feed(rows, load, *, site_url, name, description="", show_join, join_url=None, key="", extra=()):
    """A whole feed.

    `rows` are the sessions as plain values (pk, sequence, updated_at, starts_on,
    time_tbd, time_zone, join_audience), in order; `load(pks)` returns {pk: Event}
    (join options, campaign and host loaded) for the sessions whose stored VEVENT is
    out of date, so an unchanged session costs no model instance and no serialisation.
    `show_join(row)` and `join_url(row)` decide what each reader may see. `extra` are
    other entries (Entry) for the same calendar.
    """
    wanted = wanted_entries(rows, site_url=site_url, show_join=show_join, join_url=join_url)
    refresh(stale_entries(wanted), load, site_url)
    entries = [_entries[item.slot].data for item in wanted]
    span = Span.of(rows, extra)
    return calendar(
        [*entries, *(entry.data for entry in extra)],
        name=name,
        description=description,
        zones=span.zones,
        years=span.years,
        default_zone=span.default_zone,
        key=key,
    )


def wanted_entries(rows, *, site_url, show_join, join_url):
    """Each row as a Wanted: what its reader may see decides its stamp."""
    variant = "personal" if join_url else "public"
    language = translation.get_language()
    return [
        Wanted(
            Slot(row["pk"], variant),
            Stamp(
                sequence=row["sequence"],
                updated_at=row["updated_at"],
                show_join=show_join(row),
                join_url=join_url(row) if join_url else None,
                site_url=site_url,
                language=language,
            ),
        )
        for row in rows
    ]


def stale_entries(wanted):
    """The Wanted whose VEVENT this process does not hold with their stamp."""
    return [
        item for item in wanted if getattr(_entries.get(item.slot), "stamp", None) != item.stamp
    ]


def refresh(stale, load, site_url):
    """Store the stale entries' VEVENTs in this process: from the shared cache when
    another process serialised them, else serialised here (and shared)."""
    fetched = shared_entries(stale)
    missing = [item for item in stale if item.slot not in fetched]
    made = serialised(missing, load, site_url)
    share({shared_key(item): made[item.slot] for item in missing})
    with _lock:
        for item in stale:
            data = fetched[item.slot] if item.slot in fetched else made[item.slot]
            _entries[item.slot] = Stored(item.stamp, data)


def serialised(missing, load, site_url):
    """{slot: bytes}: the missing entries' sessions loaded and serialised."""
    if not missing:
        return {}
    events = load([item.slot.pk for item in missing])
    path = session_paths()
    made = {}
    for item in missing:
        event = events[item.slot.pk]
        component = vevent(
            event,
            site_url=site_url,
            show_join=item.stamp.show_join,
            join_url=item.stamp.join_url,
            page=site_url + path(event.slug),
        )
        made[item.slot] = serialise(component)
    return made


@dataclass(frozen=True)
class Span:
    """What a feed's header needs of its entries: the zones their times use, the years
    they span (first, last; None for no entry) and the zone most sessions use."""

    zones: frozenset
    years: tuple[int, int] | None
    default_zone: str | None

    @classmethod
    def of(cls, rows, extra=()):
        timed = [row["time_zone"] for row in rows if not row["time_tbd"]]
        zones = {*timed, *(entry.zone for entry in extra if entry.zone)}
        years = {*(row["starts_on"].year for row in rows), *(entry.year for entry in extra)}
        counts = {}
        for zone in timed:
            counts[zone] = counts.get(zone, 0) + 1
        return cls(
            zones=frozenset(zones),
            years=(min(years), max(years)) if years else None,
            default_zone=max(counts, key=counts.get) if counts else None,
        )


def vtimezone(zone, first_year, last_year):
    """A VTIMEZONE with the zone's rules for the years given.

    Each change of offset is its own STANDARD or DAYLIGHT component with a DTSTART:
    icalendar would otherwise list later years as RDATEs, which some parsers (dateutil,
    so vobject) ignore, applying the first year's rules to every year.
    """
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
    return component


def zone_bytes(zone, first_year, last_year):
    """vtimezone(), serialised once per process: every calendar with a time carries
    one, and building and serialising it costs more than a feed's rebuild."""
    key = (zone, first_year, last_year)
    data = _zones.get(key)
    if data is None:
        data = serialise(vtimezone(zone, first_year, last_year))
        with _lock:
            _zones[key] = data
    return data


def calendar(entries, *, name, description="", zones=(), years=None, default_zone=None, key=""):
    """A VCALENDAR of already serialised VEVENTs.

    `zones` are the TZIDs the events use and `years` (first, last) the years they
    span, so each VTIMEZONE carries the right rules for them (and at least ZONE_YEARS).
    """
    first, last = years or ZONE_YEARS
    first, last = min(first, ZONE_YEARS[0]), max(last, ZONE_YEARS[1])
    head = calendar_head(name, description, default_zone, key)
    timezones = [zone_bytes(zone, first, last) for zone in sorted(set(zones))]
    return b"".join([head, *timezones, *entries, END])


def calendar_head(name, description, default_zone, key):
    """The calendar's properties, serialised, without its END line."""
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
    # icalendar 7 keeps these as unknown values, written unescaped: a name with a line
    # break (a campaign's, a host's) made to_ical() raise. As text, they are escaped.
    for prop, value in (("NAME", name), ("X-WR-CALNAME", name), ("X-WR-CALDESC", description)):
        if prop in cal:
            cal[prop] = vText(value)
    cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    if default_zone:
        cal.add("X-WR-TIMEZONE", default_zone)
    head = cal.to_ical()
    if not head.endswith(END):  # icalendar always ends a calendar with END:VCALENDAR
        raise ValueError("unexpected calendar serialisation")
    return head[: -len(END)]


# Reading calendars (import) ----------------------------------------------------------

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_OCCURRENCES = 50  # per recurring event
MAX_SESSIONS = 500  # per file


class CalendarError(ValueError):
    """A calendar we will not import; the message says what is wrong, for a person."""


@dataclass(frozen=True)
class Series:
    """A VEVENT to import: its UID, its title on one line, and its (first) start and end
    (a date or an aware or floating datetime; no end is None)."""

    component: object
    uid: str
    title: str
    start: date
    end: date | None


def parse_sessions(data, *, default_zone):
    """Sessions from iCalendar bytes, as plain dicts, or CalendarError.

    Each dict has uid, title, description, url, location, status ("published" or
    "cancelled"), time_tbd, starts_on, starts_at, ends_at (aware or None) and time_zone.
    Recurring events are expanded (each occurrence its own session, with the UID and the
    occurrence's date); rules that would make more than MAX_OCCURRENCES sessions, or
    never end, are refused rather than cut short.
    """
    sessions, seen = [], set()
    for component in vevents(calendar_text(data)):
        title = session_title(component)
        uid_value = session_uid(component, title)
        if component.get("RECURRENCE-ID") is not None:
            continue  # a changed occurrence: the series is imported from its rule
        if uid_value in seen:
            raise CalendarError(_("The UID %(uid)s is used by two events.") % {"uid": uid_value})
        seen.add(uid_value)
        start = start_of(component, title)
        series = Series(component, uid_value, title, start, end_of(component, title, start))
        sessions += occurrences(series, default_zone)
        if len(sessions) > MAX_SESSIONS:
            raise CalendarError(
                _("The calendar has more than %(n)s sessions.") % {"n": MAX_SESSIONS}
            )
    return sessions


def calendar_text(data):
    """The file as text, if it is small enough, UTF-8 and looks like iCalendar."""
    if len(data) > MAX_IMPORT_BYTES:
        raise CalendarError(_("The file is larger than 2 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarError(
            _("The file is not UTF-8 text; save it as UTF-8 and try again.")
        ) from None
    if "BEGIN:VCALENDAR" not in text[:2000].upper():
        raise CalendarError(_("This is not an iCalendar (.ics) file."))
    return text


def vevents(text):
    """The calendar's VEVENTs, at least one."""
    try:
        calendar = Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises several types for malformed input
        raise CalendarError(
            _("The calendar could not be read: %(error)s") % {"error": exc}
        ) from None
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise CalendarError(_("The calendar has no events."))
    return events


def session_title(component):
    # A summary over several lines is fine in other calendars; a session title is
    # one line, so the lines are joined (the preview shows the title as imported).
    return one_line(str(component.get("SUMMARY", ""))) or _("Untitled session")


def session_uid(component, title):
    uid_value = str(component.get("UID", "")).strip()
    if not uid_value:
        raise CalendarError(_("“%(title)s” has no UID.") % {"title": title})
    return uid_value


def start_of(component, title):
    try:
        start = component.decoded("DTSTART")
    except (KeyError, ValueError):
        start = None
    if not isinstance(start, date):  # a datetime is a date too; a broken value is text
        raise CalendarError(_("“%(title)s” has no valid start (DTSTART).") % {"title": title})
    return start


def end_of(component, title, start):
    """DTEND, or the start plus DURATION, or None."""
    try:
        end = component.decoded("DTEND") if "DTEND" in component else None
        if end is None and "DURATION" in component:
            end = start + component.decoded("DURATION")
    except (ValueError, TypeError):
        raise CalendarError(_("“%(title)s” has an invalid end.") % {"title": title}) from None
    if end is not None and not isinstance(end, date):
        raise CalendarError(_("“%(title)s” has an invalid end.") % {"title": title})
    return end


def occurrences(series, default_zone):
    """The series' sessions: itself, or each occurrence of its repeat rule (UID and
    date: "uid/2027-01-12")."""
    first = series_session(series, series.start, series.end, default_zone)
    if "RRULE" not in series.component:
        return [first]
    sessions = []
    for start in repeat_starts(series):
        end = series.end and start + (series.end - series.start)
        session = series_session(series, start, end, default_zone)
        session["uid"] = f"{series.uid}/{session['starts_on'].isoformat()}"
        sessions.append(session)
    return sessions


def series_session(series, start, end, default_zone):
    return session_fields(series.component, series.title, series.uid, start, end, default_zone)


def repeat_starts(series):
    """The starts of a repeat rule's occurrences; CalendarError for a rule without end,
    an invalid rule or more than MAX_OCCURRENCES occurrences."""
    title = series.title
    rule = series.component["RRULE"]
    if not (rule.get("COUNT") or rule.get("UNTIL")):
        raise CalendarError(
            _("“%(title)s” repeats without end; import its sessions one by one.") % {"title": title}
        )
    try:
        rule_starts = rrulestr(rule.to_ical().decode(), dtstart=series.start)
    except (ValueError, TypeError):
        raise CalendarError(
            _("“%(title)s” has an invalid repeat rule.") % {"title": title}
        ) from None
    starts = []
    for start in rule_starts:
        starts.append(start)
        if len(starts) > MAX_OCCURRENCES:
            raise CalendarError(
                _("“%(title)s” repeats into more than %(n)s sessions.")
                % {"title": title, "n": MAX_OCCURRENCES}
            )
    return starts


def session_fields(component, title, uid_value, start, end, default_zone):
    status = str(component.get("STATUS", "")).upper()
    cancelled = status == "CANCELLED"
    if cancelled and title.startswith("Cancelled: "):
        title = title.removeprefix("Cancelled: ")  # our own export's marking
    tbd = not isinstance(start, datetime)
    if tbd:
        title = title.removesuffix(" (time to be decided)")
        starts_on, starts_at, ends_at, zone = start, None, None, default_zone
    else:
        if start.tzinfo is None:  # floating time: read it in the campaign's zone
            start = start.replace(tzinfo=zoneinfo.ZoneInfo(default_zone))
        zone = getattr(start.tzinfo, "key", None) or default_zone
        if isinstance(end, datetime) and end.tzinfo is None:
            end = end.replace(tzinfo=start.tzinfo)
        if end is not None and not isinstance(end, datetime):
            end = None
        # Local times are read as RFC 5545 reads them: in the hour that repeats, the
        # first occurrence; in the hour clocks skip, with the offset before the change
        # (fold=0 does both). Compared as instants: in one zone, Python compares the
        # wall clocks, which around a change are not in the order of the instants.
        if end is not None and end.astimezone(UTC) <= start.astimezone(UTC):
            raise CalendarError(_("“%(title)s” ends before it starts.") % {"title": title})
        # As instants (UTC): a local time in the repeated hour never compares equal to
        # the same instant in another zone (PEP 495), so a re-import would see a change.
        starts_at, ends_at = start.astimezone(UTC), end and end.astimezone(UTC)
        starts_on = start.astimezone(zoneinfo.ZoneInfo(zone)).date()
    if len(title) > 200:
        raise CalendarError(
            _("“%(title)s…” has a title over 200 characters.") % {"title": title[:60]}
        )
    if zone == "UTC":
        zone = default_zone  # an instant given in UTC: shown in the campaign's zone
    return {
        "uid": uid_value,
        "title": title,
        "description": str(component.get("DESCRIPTION", "")),
        "url": str(component.get("URL", "")),
        "location": str(component.get("LOCATION", "")),
        "status": "cancelled" if cancelled else "published",
        "time_tbd": tbd,
        "starts_on": starts_on,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "time_zone": zone,
    }
