"""Import sessions from an .ics file or URL into a campaign: preview, then all or nothing.

The steps, each a function: `read` the calendar (an upload or an address), `preview` what
importing it would do, `hold` it while an organiser looks at the preview, then
`import_calendar` (plan again and `apply`, in one transaction).

Sessions are matched by UID: our own exports carry "<uuid>@mentoring-hub" and update
the session they came from; other calendars' UIDs are remembered on the session
(external_uid), so importing the same calendar again updates rather than duplicates.
"""

import re
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from events.ics import MAX_IMPORT_BYTES, UID_DOMAIN, CalendarError, parse_sessions
from events.models import Event, JoinOption
from mentoring_hub.fetch import fetch

COMPARED = ("title", "starts_on", "starts_at", "ends_at", "time_tbd", "time_zone", "status")
PLATFORM_HINTS = [
    (re.compile(r"zoom\.(us|com)|zoomgov", re.I), JoinOption.Platform.ZOOM_MEETING),
    (re.compile(r"facebook\.com|fb\.me", re.I), JoinOption.Platform.FACEBOOK_LIVE),
    (re.compile(r"teams\.microsoft|teams\.live", re.I), JoinOption.Platform.TEAMS),
]


@dataclass
class Plan:
    create: list = field(default_factory=list)  # session dicts
    update: list = field(default_factory=list)  # (event, session dict, [changed fields])
    unchanged: list = field(default_factory=list)  # events

    def summary(self):
        return f"{len(self.create)} to create, {len(self.update)} to update, {len(self.unchanged)} unchanged"


PREVIEW_KEPT_FOR = 1800  # seconds an organiser has to confirm a preview


def read(upload=None, url=None):
    """The calendar's bytes, from an uploaded file or else from its address (at most
    MAX_IMPORT_BYTES). Raises CalendarError, or FetchError for an address refused."""
    if upload:
        if upload.size > MAX_IMPORT_BYTES:
            raise CalendarError(_("The file is larger than 2 MB."))
        return upload.read()
    return fetch(url, MAX_IMPORT_BYTES)


def preview(campaign, data, *, publish=False):
    """What importing the calendar `data` into `campaign` would do (a Plan); changes
    nothing. Raises CalendarError for a calendar we will not import."""
    sessions = parse_sessions(data, default_zone=campaign.time_zone)
    return plan(campaign, sessions, publish=publish)


def held_key(user, token):
    return f"import:{user.pk}:{token}"


def hold(user, data):
    """Keep the calendar `user` previewed until they confirm it; returns its token."""
    token = uuid.uuid4().hex
    cache.set(held_key(user, token), data, PREVIEW_KEPT_FOR)
    return token


def held(user, token):
    """The calendar `user` previewed under `token`, or None once the preview expired."""
    return cache.get(held_key(user, token))


def import_calendar(campaign, data, *, host, publish=False):
    """Import the calendar `data` into `campaign`, all of it or nothing; returns the
    Plan it carried out. Planned again, not taken from the preview: sessions may have
    changed since."""
    result = preview(campaign, data, publish=publish)
    return apply(campaign, result, host=host)


def existing_event(session_uid):
    """The session an imported UID stands for: one of ours (by its UUID), or one an
    earlier import created (by the UID it remembered)."""
    local, _sep, domain = session_uid.partition("@")
    if domain == UID_DOMAIN:
        try:
            if event := Event.objects.filter(uid=uuid.UUID(local)).first():
                return event
        except ValueError:
            pass
    return Event.objects.filter(external_uid=session_uid).first()


def plan(campaign, sessions, *, publish=False):
    """What an import would do. Without `publish`, new sessions arrive as drafts and
    existing ones keep their status (unless the calendar cancels them)."""
    result = Plan()
    for session in sessions:
        session = dict(session)
        event = existing_event(session["uid"])
        if session["status"] == Event.Status.PUBLISHED and not publish:
            session["status"] = event.status if event else Event.Status.DRAFT
        if event is None:
            result.create.append(session)
            continue
        if event.campaign_id != campaign.pk:
            raise CalendarError(
                f"“{session['title']}” belongs to another campaign ({event.campaign}); "
                "import it there."
            )
        changed = [name for name in COMPARED if getattr(event, name) != session[name]]
        if changed:
            result.update.append((event, session, changed))
        else:
            result.unchanged.append(event)
    return result


def join_option(session):
    location = session["location"].strip()
    if not location:
        return None
    if re.match(r"https?://", location):
        platform = next(
            (p for pattern, p in PLATFORM_HINTS if pattern.search(location)),
            JoinOption.Platform.OTHER,
        )
        return JoinOption(platform=platform, join_url=location[:500])
    labels = {str(label).lower(): value for value, label in JoinOption.Platform.choices}
    if location.lower() in labels:
        return JoinOption(platform=labels[location.lower()])
    return JoinOption(platform=JoinOption.Platform.IN_PERSON, place=location[:300])


def write(event, session):
    for name in COMPARED:
        setattr(event, name, session[name])
    if not event.description:
        event.description = session["description"]
    try:
        event.full_clean()
    except ValidationError as exc:
        raise CalendarError(f"“{session['title']}”: {' '.join(exc.messages)}") from None
    event.save()


def apply(campaign, result, *, host):
    """Create and update the planned sessions in one transaction (all or nothing)."""
    with transaction.atomic():
        for session in result.create:
            event = Event(
                campaign=campaign,
                host=host,
                slug=Event.unique_slug(session["title"], session["starts_on"].year),
                external_uid=session["uid"],
                join_audience=Event.Audience.ATTENDEES,
            )
            write(event, session)
            if option := join_option(session):
                option.event = event
                option.save()
        for event, session, _changed in result.update:
            write(event, session)
    return result
