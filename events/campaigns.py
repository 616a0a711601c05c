"""Which campaign the site is about now."""

from django.utils import timezone

from events.models import Campaign


def current_campaign(today=None):
    """The campaign running now or next; else the most recent one."""
    today = today or timezone.localdate()
    return (
        Campaign.objects.filter(ends_on__gte=today).order_by("starts_on").first()
        or Campaign.objects.order_by("-ends_on").first()
    )
