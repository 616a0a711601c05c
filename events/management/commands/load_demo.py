from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from events.models import Campaign, Registration

DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "mentoring-demo-password"  # noqa: S105 -- a published demo login, local only


class Command(BaseCommand):
    help = (
        "Create the demo member (for `make run`): verified, registered for the launch "
        "sessions and the demo campaign. Idempotent."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                email=DEMO_EMAIL,
                defaults={"username": "demo", "first_name": "Demo", "last_name": "Member"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
            )
            campaigns = Campaign.objects.filter(
                slug="national-mentoring-month-2023"
            ) | Campaign.objects.filter(is_demo=True)
            # Demo data: places are given directly (the launch sessions are in the past,
            # where registration is closed), not through booking.register().
            for campaign in campaigns:
                for event in campaign.events.listed():
                    Registration.objects.get_or_create(event=event, user=user)
        self.stdout.write(f"demo member: {DEMO_EMAIL} / {DEMO_PASSWORD}")
