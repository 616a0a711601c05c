"""Mentoring meetings in each person's private calendar feed (events/feeds.py).

Both people of a mentorship see its meetings; a group's members and facilitator see
the group's. A cancelled meeting stays in the feed as STATUS:CANCELLED with a higher
SEQUENCE and without its place, so calendars remove it; an ended mentorship's meetings
still to come are cancelled. A group's meetings never reach someone on either side of
a block with its facilitator. Meetings from more than 90 days ago are left out.
This module decides which meetings and what of each; events/ics.py writes them.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

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


def calendar_meeting(meeting, user):
    """A pair's meeting (Meeting) or a group's (GroupMeeting), as `user` sees it in
    their calendar."""
    if hasattr(meeting, "mentorship"):
        pair = meeting.mentorship
        other = pair.mentee if pair.mentor.user_id == user.pk else pair.mentor
        key = f"meeting-{meeting.pk}"
        summary = _("Mentoring: %(name)s") % {"name": other.display_name}
        page = settings.SITE_URL + pair.get_absolute_url()
        how = meeting.get_format_display()
    else:
        key = f"group-meeting-{meeting.pk}"
        summary = _("Group: %(name)s") % {"name": meeting.group.name}
        page = settings.SITE_URL + meeting.group.get_absolute_url()
        how = _("Online") if meeting.group.online else meeting.group.city
    return ics.Meeting(
        key=key,
        summary=summary,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        time_zone=meeting.time_zone,
        updated_at=meeting.updated_at,
        sequence=meeting.sequence,
        cancelled=meeting.cancelled,
        how=str(how),
        where=meeting.where,
        page=page,
    )


def entries(user):
    """[ics.Entry] of this person's meetings."""
    pairs = meetings_of(user).select_related("mentorship__mentor", "mentorship__mentee")
    groups = group_meetings_of(user, timezone.now() - KEEP).select_related("group")
    return [
        ics.meeting_entry(calendar_meeting(meeting, user))
        for meetings in (pairs, groups)
        for meeting in meetings
    ]
