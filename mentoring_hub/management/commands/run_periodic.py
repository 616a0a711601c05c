from django.core.management.base import BaseCommand

from mentoring_hub.periodic import run_due


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (safe to run on several machines at once)."

    def handle(self, *args, **options):
        ran = run_due()
        for name in ran:
            self.stdout.write(f"ran {name}")
        if not ran:
            self.stdout.write("nothing due")
