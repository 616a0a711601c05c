"""Time zones: the one list members and organisers choose from, and the one check that
a stored zone is on it. Profiles, meetings, campaigns, sessions and proposals all use
these, so a zone accepted in one place is offered in every menu."""

import functools
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@functools.cache
def zone_names():
    """Every IANA zone this process knows (walks the zone files once)."""
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zone_names())]


def validate_time_zone(value):
    if value not in zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone. Use an IANA name such as America/New_York."),
            code="invalid_time_zone",
            params={"value": value},
        )
