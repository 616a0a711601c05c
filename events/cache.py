"""The schedule's version stamp (see mentoring_hub/cache.py) and what it keys.

Every change to a campaign, host, session or join option, and to anything else the
schedule's public pages show (places left, approved stories), bumps it: through the
model methods, and the delete signals connected in EventsConfig.ready(). The schedule's
pages, its feeds and the filter menus are kept under it.
"""

from mentoring_hub import cache

version = cache.VersionStamp("schedule")
bump = version.bump
# @per_version: kept in each process until the schedule changes (filter menus, the
# cards' platforms).
per_version = version.memo


def public_page(view):
    """@public_page: a schedule page, the same for every anonymous visitor, stored under
    the schedule's stamp."""
    return cache.public_page(view, version=version)
