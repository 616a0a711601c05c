from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events import importing
from events.ics import MAX_IMPORT_BYTES, CalendarError, parse_sessions
from events.models import Campaign, Host
from mentoring_hub.fetch import FetchError, fetch


class Command(BaseCommand):
    help = (
        "Import sessions from an .ics file or URL into a campaign: prints what would be "
        "created or updated (matched by UID), then applies all of it or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="the campaign's address (slug)")
        parser.add_argument("source", help="a path to an .ics file, or an http(s) URL")
        parser.add_argument("--host", required=True, help="the host organisation's slug")
        parser.add_argument("--publish", action="store_true", help="publish new sessions")
        parser.add_argument("--dry-run", action="store_true", help="only show the preview")

    def handle(self, *args, campaign, source, host, publish, dry_run, **options):
        target = Campaign.objects.filter(slug=campaign).first()
        if target is None:
            raise CommandError(f"No campaign with the address {campaign!r}")
        organiser = Host.objects.filter(slug=host).first()
        if organiser is None:
            raise CommandError(f"No host with the address {host!r}")
        try:
            data = read_source(source)
            sessions = parse_sessions(data, default_zone=target.time_zone)
            result = importing.plan(target, sessions, publish=publish)
            for session in result.create:
                self.stdout.write(f"create  {session['starts_on']}  {session['title']}")
            for event, _session, changed in result.update:
                self.stdout.write(
                    f"update  {event.starts_on}  {event.title} ({', '.join(changed)})"
                )
            self.stdout.write(result.summary())
            if not dry_run:
                importing.apply(target, result, host=organiser)
                self.stdout.write("imported")
        except (CalendarError, FetchError) as exc:
            raise CommandError(str(exc)) from None


def read_source(source):
    if source.startswith(("http://", "https://")):
        return fetch(source, MAX_IMPORT_BYTES)
    path = Path(source)
    if not path.is_file():
        raise CalendarError(f"No file at {source}")
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise CalendarError("The file is larger than 2 MB.")
    return path.read_bytes()
