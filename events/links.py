"""Add-to-calendar links for web calendars (Google, Outlook), built from a session."""

from datetime import UTC as _UTC
from datetime import timedelta
from urllib.parse import urlencode


def google_url(event, page):
    """`page`: the session page's absolute URL, for the entry's details."""
    if event.time_tbd or event.starts_at is None:
        dates = f"{event.starts_on:%Y%m%d}/{event.starts_on + timedelta(days=1):%Y%m%d}"
    else:
        end = event.ends_at or event.starts_at
        dates = f"{event.starts_at.astimezone(_UTC):%Y%m%dT%H%M%SZ}/{end.astimezone(_UTC):%Y%m%dT%H%M%SZ}"
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": dates,
        "details": f"{event.summary}\n\n{page}".strip(),
        "ctz": event.time_zone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def outlook_url(event, page):
    """`page`: the session page's absolute URL, for the entry's body."""
    if event.time_tbd or event.starts_at is None:
        start, end, all_day = (
            event.starts_on.isoformat(),
            (event.starts_on + timedelta(days=1)).isoformat(),
            "true",
        )
    else:
        start = event.starts_at.astimezone(_UTC).isoformat().replace("+00:00", "Z")
        end = (event.ends_at or event.starts_at).astimezone(_UTC).isoformat().replace("+00:00", "Z")
        all_day = "false"
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": start,
        "enddt": end,
        "allday": all_day,
        "body": f"{event.summary}\n\n{page}".strip(),
    }
    return "https://outlook.live.com/calendar/0/action/compose?" + urlencode(params)


def subscribe_urls(site_url, path, query=""):
    """The https address of a feed and its webcal:// twin (which opens calendar apps)."""
    https = f"{site_url}{path}" + (f"?{query}" if query else "")
    webcal = "webcal://" + https.split("://", 1)[1]
    return https, webcal
