"""The mentoring app's periodic jobs (run by `manage.py run_periodic`)."""

from datetime import timedelta

from mentoring.relationships import expire_requests
from mentoring_hub.periodic import periodic


@periodic("expire_mentoring_requests", every=timedelta(hours=1))
def expire_mentoring_requests(now):
    """Close requests nobody answered in time; the mentee hears by email."""
    return expire_requests(now)
