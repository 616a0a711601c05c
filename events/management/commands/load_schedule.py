from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.schedule import ScheduleError, load_files, schedule_files


class Command(BaseCommand):
    help = (
        "Load the reviewed schedule files in events/schedules/ (or the files given). "
        "Loading twice changes nothing; sessions edited by an organiser are reported, "
        "not overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="schedule files (default: all)")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="also load the demo campaign, moved to the coming January",
        )

    def handle(self, *args, files, demo, **options):
        paths = files or [*schedule_files(), *(schedule_files(demo=True) if demo else [])]
        try:
            report = load_files(paths, demo=demo)
        except ScheduleError as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines():
            self.stdout.write(line)
