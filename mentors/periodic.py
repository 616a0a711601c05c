"""The mentors app's periodic jobs (run by `manage.py run_periodic`)."""

from datetime import timedelta

from mentoring_hub.periodic import periodic
from mentors import suggest
from mentors.models import Profile, current_utc_offset


@periodic("refresh_utc_offsets", every=timedelta(hours=6))
def refresh_utc_offsets(now):
    """Keep each profile's UTC offset true across daylight-saving changes."""
    changed = 0
    for zone in Profile.objects.values_list("time_zone", flat=True).distinct():
        offset = current_utc_offset(zone, now)
        changed += (
            Profile.objects.filter(time_zone=zone)
            .exclude(utc_offset=offset)
            .update(utc_offset=offset)
        )
    if changed:
        suggest.bump()
    return changed
