"""Load reviewed schedule files (events/schedules/*.toml) into the database.

Loading is idempotent: a session already as the file says is left alone. A session the
file changed since the last load is updated, through Event.save(). A session an
organiser edited since the last load is not overwritten: the difference is reported,
so the organiser's edit and the file can be reconciled by a person.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from events.models import Campaign, Event, Host, JoinOption
from events.validators import meeting_id_digits, wall_time

SCHEDULES = Path(__file__).resolve().parent / "schedules"
OPTION_FIELDS = ("platform", "join_url", "meeting_id", "passcode", "place")


class ScheduleError(Exception):
    """A schedule file that cannot be loaded; the message names the file and the entry."""


@dataclass
class Report:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    conflicts: dict = field(default_factory=dict)  # slug -> [(field, in database, in file)]

    def lines(self):
        yield from (f"created {slug}" for slug in self.created)
        yield from (f"updated {slug}" for slug in self.updated)
        for slug, differences in self.conflicts.items():
            yield f"kept {slug}: edited by an organiser since the last load; not overwritten"
            for name, current, wanted in differences:
                yield f"    {name}: database {current!r}, file {wanted!r}"
        yield (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.conflicts)} kept with edits"
        )


def schedule_files(demo=False):
    files = sorted(SCHEDULES.glob("*.toml"))
    return [path for path in files if path.name.startswith("demo-") == demo]


def read(path):
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScheduleError(f"{path}: {exc}") from exc


def coming_january(today):
    return today.year if today.month == 1 else today.year + 1


def shift_years(data, years):
    """Move every date in a (demo) schedule by whole years, keeping month and day."""

    def move(value):
        return value.replace(year=value.year + years) if isinstance(value, date) else value

    campaign = data["campaign"]
    for key in ("starts_on", "ends_on"):
        campaign[key] = move(campaign[key])
    for session in data.get("sessions", []):
        session["date"] = move(session["date"])
    return data


def desired_state(session, campaign):
    """The managed fields of a session as the file gives them (JSON-ready)."""
    zone = session.get("time_zone", campaign["time_zone"])
    day = session["date"]
    tbd = session.get("time") == "TBD"
    if not tbd and not isinstance(session.get("start"), time):
        raise ScheduleError(f'{session["slug"]}: give start = HH:MM:SS, or time = "TBD"')
    # A time in the hour that repeats when clocks go back needs repeated_hour = "first"
    # or "second" in the entry; a time the clocks skip is refused.
    repeated = session.get("repeated_hour", "")
    try:
        starts_at = None if tbd else wall_time(day, session["start"], zone, repeated)
        ends_at = None
        if not tbd and "end" in session:
            ends_at = wall_time(day, session["end"], zone, repeated)
    except ValidationError as exc:
        raise ScheduleError(f"{session['slug']}: {' '.join(exc.messages)}") from exc
    return {
        "title": session["title"],
        "host": session["host"],
        "summary": session.get("summary", ""),
        "description": session.get("description", "").strip(),
        "starts_on": day.isoformat(),
        "time_tbd": tbd,
        "starts_at": starts_at.astimezone(UTC).isoformat() if starts_at else None,
        "ends_at": ends_at.astimezone(UTC).isoformat() if ends_at else None,
        "time_zone": zone,
        "join_audience": session.get("join_audience", Event.Audience.ATTENDEES),
        "status": session.get("status", Event.Status.PUBLISHED),
        "capacity": session.get("capacity"),
        "join_options": [
            {
                **{name: option.get(name, "") for name in OPTION_FIELDS},
                # Stored as digits (JoinOption): compared as digits, or a file written
                # "160 333 4786" would differ from the database on every load.
                "meeting_id": meeting_id_digits(option.get("meeting_id", "")),
            }
            for option in session.get("join_options", [])
        ],
    }


def current_state(event):
    """The same fields as they are in the database."""
    return {
        "title": event.title,
        "host": event.host.slug,
        "summary": event.summary,
        "description": event.description,
        "starts_on": event.starts_on.isoformat(),
        "time_tbd": event.time_tbd,
        "starts_at": event.starts_at.astimezone(UTC).isoformat() if event.starts_at else None,
        "ends_at": event.ends_at.astimezone(UTC).isoformat() if event.ends_at else None,
        "time_zone": event.time_zone,
        "join_audience": event.join_audience,
        "status": event.status,
        "capacity": event.capacity,
        "join_options": [
            {name: getattr(option, name) for name in OPTION_FIELDS}
            for option in event.join_options.all()
        ],
    }


def write_state(event, state, hosts):
    event.title = state["title"]
    event.host = hosts[state["host"]]
    event.summary = state["summary"]
    event.description = state["description"]
    event.starts_on = date.fromisoformat(state["starts_on"])
    event.time_tbd = state["time_tbd"]
    event.starts_at = datetime.fromisoformat(state["starts_at"]) if state["starts_at"] else None
    event.ends_at = datetime.fromisoformat(state["ends_at"]) if state["ends_at"] else None
    event.time_zone = state["time_zone"]
    event.join_audience = state["join_audience"]
    event.status = state["status"]
    event.capacity = state["capacity"]
    event.loaded_from_schedule = state
    try:
        event.full_clean()
    except ValidationError as exc:
        raise ScheduleError(f"{event.slug}: {'; '.join(exc.messages)}") from exc
    event.save()
    removed, _kinds = event.join_options.all().delete()
    if removed and not state["join_options"]:
        event.join_details_changed()  # the last way to join is gone (new ones tell it)
    for position, values in enumerate(state["join_options"]):
        option = JoinOption(event=event, position=position, **values)
        try:
            option.full_clean(exclude=["event"])
        except ValidationError as exc:
            raise ScheduleError(f"{event.slug}: {'; '.join(exc.messages)}") from exc
        option.save()


def load(data, report=None):
    """Apply one parsed schedule file; all or nothing."""
    report = report or Report()
    try:
        spec = data["campaign"]
        with transaction.atomic():
            campaign, _created = Campaign.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "theme": spec.get("theme", ""),
                    "starts_on": spec["starts_on"],
                    "ends_on": spec["ends_on"],
                    "region": spec.get("region", ""),
                    "time_zone": spec["time_zone"],
                    "description": spec.get("description", "").strip(),
                    "is_demo": spec.get("demo", False),
                },
            )
            hosts = {}
            for host in data.get("hosts", []):
                hosts[host["slug"]], _created = Host.objects.get_or_create(
                    slug=host["slug"], defaults={"name": host["name"], "url": host.get("url", "")}
                )
            for session in data.get("sessions", []):
                apply_session(campaign, hosts, spec, session, report)
    except KeyError as exc:
        raise ScheduleError(f"missing {exc.args[0]!r} in a schedule entry") from exc
    return report


def apply_session(campaign, hosts, spec, session, report):
    slug = session["slug"]
    wanted = desired_state(session, spec)
    if wanted["host"] not in hosts:
        hosts[wanted["host"]] = Host.objects.filter(slug=wanted["host"]).first()
        if hosts[wanted["host"]] is None:
            raise ScheduleError(f"{slug}: unknown host {wanted['host']!r}")
    event = Event.objects.filter(slug=slug).select_related("host").first()
    if event is None:
        write_state(Event(campaign=campaign, slug=slug), wanted, hosts)
        report.created.append(slug)
        return
    current = current_state(event)
    if current == wanted:
        report.unchanged.append(slug)
    elif current == event.loaded_from_schedule:
        write_state(event, wanted, hosts)  # the file changed, nobody edited the session
        report.updated.append(slug)
    else:
        report.conflicts[slug] = [
            (name, current[name], wanted[name]) for name in wanted if current[name] != wanted[name]
        ]


def load_files(paths, demo=False, today=None):
    report = Report()
    for path in paths:
        data = read(path)
        if data.get("campaign", {}).get("demo"):
            if not demo:
                continue
            january = coming_january(today or timezone.localdate())
            shift_years(data, january - data["campaign"]["starts_on"].year)
        load(data, report)
    return report
