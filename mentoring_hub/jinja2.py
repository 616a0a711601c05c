"""The Jinja2 environment for the busiest public pages (the schedule: agenda, month grid,
session page; and home, which shows the same session cards) and for the site's header
and footer, which every page shares.

Why a second template engine: on those pages Django's template language cost more than
everything else the request did, and the same templates compiled by Jinja2 cost a fraction
of it (the figures are in bench/RESULTS.md). Django ships the backend
(django.template.backends.jinja2); the rest of the site, the admin and allauth keep
Django templates, which reach the shared header and footer through `{% jinja %}`
(mentoring_hub/templatetags/site.py), so the page chrome is written once.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import (
    capfirst,
    date,
    linebreaks_filter,
    truncatechars,
    urlencode,
)
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import translation
from jinja2 import Environment

from events.templatetags import events_tags

# The links in the header and footer: the same for every page of a process (the URL
# configuration does not change while it runs), so reversed once per script prefix.
SITE_LINKS = {
    "home": "home",
    "agenda": "events:agenda",
    "calendar": "events:calendar",
    "directory": "mentors:directory",
    "login": "account_login",
    "signup": "account_signup",
    "logout": "account_logout",
    "dashboard": "me:dashboard",
    "admin": "admin:index",
    "terms": "terms",
    "privacy": "privacy",
}


@lru_cache(maxsize=8)
def _site_links(prefix):
    return {key: reverse(name) for key, name in SITE_LINKS.items()}


def site_links():
    return _site_links(get_script_prefix())


def url(name, *args):
    """Django's {% url %}: `url("events:ics", event.slug)`; each address reversed once
    per process (and script prefix): the URL configuration does not change while it
    runs, and reversing cost more than the rest of a page's links."""
    return _reversed(get_script_prefix(), name, args)


@lru_cache(maxsize=1024)
def _reversed(prefix, name, args):
    return reverse(name, args=args or None)


# Pages ask for the same few static files and the same few dozen words on every
# request. A file's hashed name is fixed for the life of a process (the manifest is
# read once), and so is a translation in a given language (catalogs load once), so
# each is looked up once, not once per request.
static = lru_cache(maxsize=256)(static)


@lru_cache(maxsize=4096)
def _gettext(language, message):
    return translation.gettext(message)


@lru_cache(maxsize=1024)
def _ngettext(language, singular, plural, number):
    return translation.ngettext(singular, plural, number)


def gettext(message):
    return _gettext(translation.get_language(), message)


def ngettext(singular, plural, number):
    return _ngettext(translation.get_language(), singular, plural, number)


@receiver(setting_changed)
def forget(**kwargs):
    """Tests change settings (languages, static storage, URLs): look everything up again."""
    for remembered in (_reversed, static, _gettext, _ngettext, _site_links):
        remembered.cache_clear()


def environment(**options):
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(
        static=static,
        url=url,
        site_links=site_links,
        get_language=translation.get_language,
    )
    env.filters.update(
        date=date,
        capfirst=capfirst,
        truncatechars=truncatechars,
        linebreaks=linebreaks_filter,
        urlencode=urlencode,
        long_date=events_tags.long_date,
        day_number=events_tags.day_number,
        time_range=events_tags.time_range,
    )
    return env
