from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from events.models import FeedToken


class Command(BaseCommand):
    help = "Print a person's private calendar feed address."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No member with the address {email}")
        self.stdout.write(settings.SITE_URL + FeedToken.for_user(user).get_absolute_url())
