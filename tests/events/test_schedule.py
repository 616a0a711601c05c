import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command

from events.models import Campaign, Event
from events.schedule import SCHEDULES

pytestmark = pytest.mark.django_db
LAUNCH = "national-mentoring-month-2023"


def load(*args):
    out = io.StringIO()
    call_command("load_schedule", *args, stdout=out)
    return out.getvalue()


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_launch_schedule_is_the_seed_to_the_minute_and_passcode(launch_schedule):
    campaign = Campaign.objects.get(slug=LAUNCH)
    assert (campaign.theme, campaign.starts_on, campaign.ends_on) == (
        "Love your mentoring journey",
        date(2023, 1, 1),
        date(2023, 2, 1),
    )
    rows = [
        (
            e.title,
            e.host.name,
            e.starts_on,
            e.starts_at,
            e.ends_at,
            e.time_tbd,
            [(o.platform, o.meeting_id, o.passcode, o.join_url) for o in e.join_options.all()],
        )
        for e in campaign.events.chronological()
    ]
    assert rows == [
        ("National Mentoring Month Kick-off", "Department of the Air Force", date(2023, 1, 9),
         utc(2023, 1, 9, 16), utc(2023, 1, 9, 17), False,
         [("zoom_webinar", "1603334786", "371908", "")]),
        ("USAFA - Mentoring Month Workshop", "United States Air Force Academy (USAFA)",
         date(2023, 1, 11), utc(2023, 1, 11, 16), utc(2023, 1, 11, 17), False,
         [("zoom_webinar", "1608456220", "319405", "")]),
        ("AF Blue Lab – Mentoring in a Digital Era", "AF Blue Lab", date(2023, 1, 18),
         utc(2023, 1, 18, 23), utc(2023, 1, 19, 0), False, [("facebook_live", "", "", "")]),
        ("Crucial Conversation – Mentoring impact on Diversity and Inclusion",
         "Crucial Conversation", date(2023, 1, 23), utc(2023, 1, 24, 0, 30), utc(2023, 1, 24, 2),
         False, [("zoom_meeting", "", "", ""), ("facebook_live", "", "", "")]),
        ("Civilian Leadership Development School (CLDS) – Mentoring in Action",
         "Civilian Leadership Development School (CLDS)", date(2023, 1, 31),
         utc(2023, 1, 31, 16), utc(2023, 1, 31, 17), False,
         [("zoom_meeting", "1613669742", "690808", "")]),
        ("Us-Mentoring-Us (UMU) – “We Got Next”: the Mentee Perspective", "Us-Mentoring-Us (UMU)",
         date(2023, 2, 1), None, None, True, [("facebook_live", "", "", "")]),
    ]  # fmt: skip
    assert {e.time_zone for e in campaign.events.all()} == {"America/New_York"}
    assert {e.join_audience for e in campaign.events.all()} == {"public"}
    assert {e.status for e in campaign.events.all()} == {"published"}


def test_uk_campaign_is_loaded_without_the_demo(launch_schedule):
    summit = Event.objects.get(slug="national-mentoring-day-summit-2027")
    assert (summit.starts_on, summit.time_tbd, summit.time_zone) == (
        date(2027, 10, 27),
        True,
        "Europe/London",
    )
    assert summit.join_options.get().place == "London"
    assert not Campaign.objects.filter(is_demo=True).exists()


def test_loading_twice_changes_nothing(launch_schedule):
    before = list(Event.objects.values_list("slug", "sequence", "updated_at"))
    output = load()
    assert output.strip().splitlines()[-1] == "0 created, 0 updated, 7 unchanged, 0 kept with edits"
    assert list(Event.objects.values_list("slug", "sequence", "updated_at")) == before


def test_organiser_edits_are_reported_not_overwritten(launch_schedule):
    event = Event.objects.get(slug="usafa-mentoring-month-workshop-2023")
    event.title = "USAFA Mentoring Workshop (moved room)"
    event.save()
    output = load()
    assert "kept usafa-mentoring-month-workshop-2023: edited by an organiser" in output
    assert (
        "    title: database 'USAFA Mentoring Workshop (moved room)', "
        "file 'USAFA - Mentoring Month Workshop'"
    ) in output
    assert Event.objects.get(pk=event.pk).title == "USAFA Mentoring Workshop (moved room)"


def test_a_changed_file_updates_sessions_nobody_edited(launch_schedule, tmp_path):
    source = (SCHEDULES / "2023-01-us-air-force-national-mentoring-month.toml").read_text()
    changed = tmp_path / "changed.toml"
    changed.write_text(source.replace('passcode = "371908"', 'passcode = "999999"'))
    output = load(str(changed))
    assert "updated national-mentoring-month-kick-off-2023" in output
    kick_off = Event.objects.get(slug="national-mentoring-month-kick-off-2023")
    assert kick_off.join_options.get().passcode == "999999"


def test_a_file_that_drops_every_way_to_join_tells_calendars(launch_schedule, tmp_path):
    """The last join option removed is a change calendars must learn of (SEQUENCE)."""
    source = (SCHEDULES / "2023-01-us-air-force-national-mentoring-month.toml").read_text()
    block = '[[sessions.join_options]]\nplatform = "zoom_webinar"\nmeeting_id = "1603334786"\n'
    assert block in source
    before = Event.objects.get(slug="national-mentoring-month-kick-off-2023").sequence
    changed = tmp_path / "changed.toml"
    changed.write_text(source.replace(block + 'passcode = "371908"\n', ""))
    output = load(str(changed))
    assert "updated national-mentoring-month-kick-off-2023" in output
    kick_off = Event.objects.get(slug="national-mentoring-month-kick-off-2023")
    assert not kick_off.join_options.exists()
    assert kick_off.sequence > before


def test_a_bad_file_is_refused_whole(db, tmp_path):
    source = (SCHEDULES / "2023-01-us-air-force-national-mentoring-month.toml").read_text()
    broken = tmp_path / "broken.toml"
    broken.write_text(source.replace("end = 21:00:00", "end = 18:00:00"))
    with pytest.raises(CommandError, match=r"crucial-conversation.*must end after it starts"):
        load(str(broken))
    assert Event.objects.count() == 0
    assert Campaign.objects.count() == 0


def test_not_a_schedule_file_gives_a_clear_error(db, tmp_path):
    junk = tmp_path / "junk.toml"
    junk.write_text("this is = = not toml")
    with pytest.raises(CommandError, match=r"junk\.toml"):
        load(str(junk))


@time_machine.travel(datetime(2026, 11, 23, 12, tzinfo=UTC), tick=False)
def test_demo_campaign_lands_in_the_coming_january(db):
    load("--demo")
    demo = Campaign.objects.get(is_demo=True)
    assert (demo.starts_on, demo.ends_on) == (date(2027, 1, 1), date(2027, 1, 31))
    assert demo.events.filter(status="cancelled").count() == 1
    with time_machine.travel(datetime(2027, 11, 1, tzinfo=UTC)):
        load("--demo")
    demo.refresh_from_db()
    assert demo.events.chronological().first().starts_on == date(2028, 1, 5)


def test_a_title_over_two_lines_is_refused_with_its_entry(db, tmp_path):
    source = (SCHEDULES / "2023-01-us-air-force-national-mentoring-month.toml").read_text()
    title = 'title = "National Mentoring Month Kick-off"'
    assert title in source
    broken = tmp_path / "broken.toml"
    broken.write_text(source.replace(title, 'title = "National Mentoring\\nMonth Kick-off"'))
    with pytest.raises(CommandError, match=r"kick-off-2023.*A title is one line"):
        load(str(broken))
    assert Event.objects.count() == 0


def test_a_meeting_id_written_with_spaces_is_loaded_as_digits(db, tmp_path):
    source = (SCHEDULES / "2023-01-us-air-force-national-mentoring-month.toml").read_text()
    spaced = tmp_path / "spaced.toml"
    spaced.write_text(source.replace('meeting_id = "1603334786"', 'meeting_id = "160 333 4786"'))
    load(str(spaced))
    kick_off = Event.objects.get(slug="national-mentoring-month-kick-off-2023")
    assert kick_off.join_options.get().meeting_id == "1603334786"
    assert "0 created, 0 updated, 6 unchanged, 0 kept with edits" in load(str(spaced))


def test_a_file_start_in_the_hour_clocks_skip_is_refused_with_what_happens(db, tmp_path):
    source = (SCHEDULES / "2023-01-us-air-force-national-mentoring-month.toml").read_text()
    assert "date = 2023-01-09\nstart = 11:00:00" in source
    broken = tmp_path / "broken.toml"
    broken.write_text(
        source.replace("date = 2023-01-09\nstart = 11:00:00", "date = 2023-03-12\nstart = 02:30:00")
    )
    with pytest.raises(CommandError, match=r"kick-off-2023.*does not exist in America/New_York"):
        load(str(broken))
    assert Event.objects.count() == 0
