"""Test data: plain make_* functions; every default can be overridden."""

from itertools import count

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "correct horse battery staple"
_numbers = count(1)


def make_member(**kwargs):
    """A member with a verified primary email address who can log in with PASSWORD."""
    n = next(_numbers)
    kwargs.setdefault("email", f"member{n}@example.org")
    kwargs.setdefault("username", f"member{n}")
    verified = kwargs.pop("verified", True)
    password = kwargs.pop("password", PASSWORD)
    user = get_user_model().objects.create_user(password=password, **kwargs)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


def make_organiser(**kwargs):
    """A staff member of the Organisers group; not a superuser."""
    user = make_member(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=settings.ORGANISERS_GROUP))
    return user


def make_campaign(**kwargs):
    from datetime import date

    from events.models import Campaign

    n = next(_numbers)
    kwargs.setdefault("name", f"Campaign {n}")
    kwargs.setdefault("slug", f"campaign-{n}")
    kwargs.setdefault("starts_on", date(2027, 1, 1))
    kwargs.setdefault("ends_on", date(2027, 1, 31))
    return Campaign.objects.create(**kwargs)


def make_host(**kwargs):
    from events.models import Host

    n = next(_numbers)
    kwargs.setdefault("name", f"Host {n}")
    kwargs.setdefault("slug", f"host-{n}")
    return Host.objects.create(**kwargs)


def make_event(**kwargs):
    """A published session at 11:00-12:00 New York time on 12 January 2027 by default."""
    from datetime import date, time

    from events.models import Event, local_datetime

    n = next(_numbers)
    kwargs.setdefault("campaign", make_campaign())
    kwargs.setdefault("host", make_host())
    kwargs.setdefault("title", f"Session {n}")
    kwargs.setdefault("slug", f"session-{n}")
    kwargs.setdefault("status", Event.Status.PUBLISHED)
    kwargs.setdefault("time_zone", "America/New_York")
    day = kwargs.pop("day", date(2027, 1, 12))
    if not kwargs.get("time_tbd"):
        kwargs.setdefault("starts_at", local_datetime(day, time(11), kwargs["time_zone"]))
        kwargs.setdefault("ends_at", local_datetime(day, time(12), kwargs["time_zone"]))
    kwargs.setdefault("starts_on", day)
    event = Event(**kwargs)
    event.full_clean()
    event.save()
    return event


def make_join_option(event, **kwargs):
    from events.models import JoinOption

    kwargs.setdefault("platform", JoinOption.Platform.ZOOM_WEBINAR)
    return JoinOption.objects.create(event=event, **kwargs)


def make_profile(user=None, **kwargs):
    """A mentor profile (members-only, accepting mentees) for a new member by default.
    `expertise`, `goals` and `languages` take lists of names or codes; `sensitive`
    takes {kind: (value, use)}."""
    from mentors.models import Language, Profile, Topic

    user = user or make_member()
    expertise = kwargs.pop("expertise", [])
    goals = kwargs.pop("goals", [])
    languages = kwargs.pop("languages", [])
    attributes = kwargs.pop("sensitive", {})
    kwargs.setdefault("role", Profile.Role.MENTOR)
    kwargs.setdefault("display_name", f"Mentor {user.pk}")
    profile = Profile(user=user, **kwargs)
    profile.full_clean()
    profile.save()
    profile.expertise.set([Topic.objects.get_or_create(name=name)[0] for name in expertise])
    profile.goals.set([Topic.objects.get_or_create(name=name)[0] for name in goals])
    profile.languages.set(Language.objects.filter(code__in=languages))
    for kind, (value, use) in attributes.items():
        profile.set_sensitive(kind, value, use)
    return profile


def signed_in(profile):
    """A new client signed in as the owner of `profile`."""
    from django.test import Client

    client = Client()
    client.force_login(profile.user)
    return client


def sign_in_with_totp(client, user, secret):
    """The real log-in with a second factor: password, then the current TOTP code.
    A code is valid for its 30-second window; when the window turns between making the
    code and checking it, the next window's code is the right one, so one retry."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    for _attempt in range(2):
        code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
        if response.status_code == 302:
            break
    return response
