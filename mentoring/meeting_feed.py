"""Mentoring meetings in each person's private calendar feed (events/feeds.py).

Both people of a mentorship see its meetings; a group's members and facilitator see
the group's. A cancelled meeting stays in the feed as STATUS:CANCELLED with a higher
SEQUENCE and without its place, so calendars remove it; an ended mentorship's meetings
still to come are cancelled. A group's meetings never reach someone on either side of
a block with its facilitator. Meetings from more than 90 days ago are left out.
Every component is built by icalendar.
"""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event as VEvent

from events import ics
from mentoring.models import Meeting
from mentoring.relationships import group_meetings_of

KEEP = timedelta(days=90)


def meetings_of(user):
    return Meeting.objects.filter(
        Q(mentorship__mentor__user=user) | Q(mentorship__mentee__user=user),
        starts_at__gte=timezone.now() - KEEP,
    )


def stamp(user):
    """Changes whenever a meeting in this person's feed changes (for the ETag)."""
    parts = []
    for meetings in (meetings_of(user), group_meetings_of(user, timezone.now() - KEEP)):
        found = meetings.aggregate(n=Count("pk"), last=Max("updated_at"), changes=Sum("sequence"))
        last = found["last"].timestamp() if found["last"] else 0
        parts.append(f"{found['n']}.{found['changes'] or 0}.{last}")
    return "m" + "-".join(parts)


def vevent(meeting, user):
    """A pair's meeting (Meeting) or a group's (GroupMeeting) as a VEVENT."""
    if hasattr(meeting, "mentorship"):
        pair = meeting.mentorship
        other = pair.mentee if pair.mentor.user_id == user.pk else pair.mentor
        page = settings.SITE_URL + pair.get_absolute_url()
        uid = f"meeting-{meeting.pk}@{ics.UID_DOMAIN}"
        summary = _("Mentoring: %(name)s") % {"name": other.display_name}
        how = meeting.get_format_display()
    else:
        page = settings.SITE_URL + meeting.group.get_absolute_url()
        uid = f"group-meeting-{meeting.pk}@{ics.UID_DOMAIN}"
        summary = _("Group: %(name)s") % {"name": meeting.group.name}
        how = _("Online") if meeting.group.online else meeting.group.city
    zone = zoneinfo.ZoneInfo(meeting.time_zone)
    component = VEvent()
    component.add("UID", uid)
    if meeting.cancelled:
        summary = _("Cancelled: %(title)s") % {"title": summary}
    component.add("SUMMARY", summary)
    component.add("DTSTART", meeting.starts_at.astimezone(zone))
    component.add("DTEND", meeting.ends_at.astimezone(zone))
    component.add("DTSTAMP", meeting.updated_at)
    component.add("LAST-MODIFIED", meeting.updated_at)
    component.add("SEQUENCE", meeting.sequence)
    component.add("STATUS", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    # A calendar needs no place to drop a cancelled meeting (nor, after a block, should
    # the other side get one).
    if not meeting.cancelled:
        component.add("LOCATION", meeting.where or how)
    component.add("DESCRIPTION", f"{how}\n{page}")
    component.add("URL", page)
    return component


def entries(user):
    """[(serialised VEVENT, zone, year)] of this person's meetings."""
    pairs = meetings_of(user).select_related("mentorship__mentor", "mentorship__mentee")
    groups = group_meetings_of(user, timezone.now() - KEEP).select_related("group")
    return [
        (vevent(meeting, user).to_ical(), meeting.time_zone, meeting.starts_at.year)
        for meetings in (pairs, groups)
        for meeting in meetings
    ]
