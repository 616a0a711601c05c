import re
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

# Words a session slug may not take: each is (or will be) a URL under /events/.
RESERVED_SLUGS = frozenset(
    {
        "feed",
        "calendar",
        "join",
        "register",
        "propose",
        "import",
        "export",
        "new",
        "admin",
        "api",
        "search",
        "past",
        "ics",
        "json",
    }
)


def validate_not_reserved(value):
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved for another page; choose another address."),
            code="reserved_slug",
            params={"value": value},
        )


# How people paste a meeting ID: "812 3456 7890", "812-3456-7890", "812.3456.7890".
MEETING_ID_SEPARATORS = re.compile(r"[\s\-.]")
# Zoom meeting and webinar IDs are 9 to 11 digits; Microsoft Teams IDs run to 12.
ZOOM_PLATFORMS = ("zoom_webinar", "zoom_meeting")


def meeting_id_digits(value):
    """A meeting ID as pasted, without its separators: what is stored and compared."""
    return MEETING_ID_SEPARATORS.sub("", value)


def validate_meeting_id(value):
    """Digits only; the length, which depends on the platform, is meeting_id_length's."""
    if value and not (value.isascii() and value.isdigit()):
        raise ValidationError(
            _(
                "A meeting or webinar ID is made of digits (spaces, dashes or dots "
                "between them are fine)."
            ),
            code="invalid_meeting_id",
        )


def validate_meeting_id_length(digits, platform):
    if platform in ZOOM_PLATFORMS and not 9 <= len(digits) <= 11:
        message = _("A Zoom meeting or webinar ID is 9 to 11 digits; %(digits)s has %(n)s.")
    elif not 9 <= len(digits) <= 12:
        message = _("A meeting or webinar ID is 9 to 12 digits; %(digits)s has %(n)s.")
    else:
        return
    raise ValidationError(
        message, code="meeting_id_length", params={"digits": digits, "n": len(digits)}
    )


# What str.splitlines() splits on: any of these starts a new line somewhere (a calendar
# file, an email subject, a notice), so a title holds none of them.
LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def validate_one_line(value):
    if LINE_BREAK.search(value):
        raise ValidationError(_("A title is one line: remove the line break."), code="line_break")


def one_line(text):
    """Text written over several lines as one line: each run of white space, line
    breaks included, becomes one space."""
    return " ".join(text.split())


# Wall-clock times --------------------------------------------------------------------
# Organisers type a session's start and end as the time on the clock where it happens.
# Twice a year in many zones that is not one instant: when clocks go back an hour
# repeats (1:30 a.m. happens in EDT, then again in EST), and when they go forward an
# hour is skipped (2:30 a.m. never happens). Every form and file that reads a wall time
# goes through wall_time(), which refuses a skipped time and asks which of a repeated
# one was meant, naming what the clocks do.

REPEATED_HOUR_CHOICES = [
    ("", _("It does not")),
    ("first", _("The first time (before clocks go back)")),
    ("second", _("The second time (after clocks go back)")),
]
REPEATED_HOUR_LABEL = _("If the time happens twice")


def happens_twice(local):
    """Whether an aware local time names one of two instants (clocks went back)."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def _clock(moment):
    return formats.time_format(moment)


def _day(day):
    return formats.date_format(day, "DATE_FORMAT")


def _skipped(zone, first, second):
    """The wall times around the skipped hour: ("2 a.m.", "3 a.m."). first and second
    read the skipped time with the offsets before and after the change."""
    low, high = second.astimezone(UTC), first.astimezone(UTC)  # the change is between
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == first.utcoffset():
            low = middle
        else:
            high = middle
    change = high.replace(microsecond=0)
    return (change + first.utcoffset()).replace(tzinfo=None), change.astimezone(zone)


def wall_time(day, clock, zone_name, repeated_hour=""):
    """The instant that `clock` on `day` names in zone `zone_name`.

    ValidationError when the clocks skip that time, or when it happens twice and
    `repeated_hour` ("first" or "second") does not say which is meant.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    first = datetime.combine(day, clock, tzinfo=zone)
    second = first.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)  # an instant: compared as one, whatever its fold
    when = {"clock": _clock(clock), "day": _day(day), "zone": zone_name}
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != first.replace(tzinfo=None):
        before, after = _skipped(zone, first, second)
        message = _(
            "%(clock)s on %(day)s does not exist in %(zone)s: clocks skip from "
            "%(before)s to %(after)s."
        ) % {**when, "before": _clock(before), "after": _clock(after)}
        # "... to 3 a.m.." when the time's format ends with a full stop of its own
        raise ValidationError(message.replace("..", "."), code="skipped_time")
    if repeated_hour in ("first", "second"):
        return (first if repeated_hour == "first" else second).astimezone(UTC)
    raise ValidationError(
        _(
            "%(clock)s on %(day)s happens twice in %(zone)s, when clocks go back: choose "
            "the first (%(clock)s %(first)s) or the second (%(clock)s %(second)s) under "
            "“%(label)s”."
        ),
        code="repeated_time",
        params={
            **when,
            "first": first.tzname(),
            "second": second.tzname(),
            "label": REPEATED_HOUR_LABEL,
        },
    )
