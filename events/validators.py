import re
import zoneinfo

from django.core.exceptions import ValidationError
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


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(value)s” is not a time zone. Use an IANA name such as America/New_York."),
            code="invalid_time_zone",
            params={"value": value},
        ) from None


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
