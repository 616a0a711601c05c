"""The lists of sessions and the filter menus: templates, one session card, menus
rendered from the filter form."""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from events.forms import AgendaFilterForm
from events.models import Event
from tests.factories import make_campaign, make_event, make_host, make_join_option

pytestmark = pytest.mark.django_db
BEFORE = datetime(2026, 12, 1, tzinfo=UTC)


def card(html, title):
    """The <li> of the session card whose title is `title`."""
    return re.search(
        rf'<li class="[^"]*">(?:(?!</li>).)*>{re.escape(title)}</a>.*?</li>', html, re.S
    )[0]


def test_home_and_agenda_show_a_session_with_the_same_card(client):
    campaign = make_campaign()
    event = make_event(
        campaign=campaign,
        title="Called off",
        summary="What it was about",
        status=Event.Status.CANCELLED,
        host=make_host(name="Blue Lab"),
    )
    make_join_option(event, platform="zoom_webinar")
    with time_machine.travel(BEFORE, tick=False):
        home = card(client.get("/").content.decode(), "Called off")
        agenda = card(client.get("/events/").content.decode(), "Called off")
    title = (
        '<h3 class="event-card__title"><a href="/events/' + event.slug + '/">Called off</a>'
        ' <span class="badge badge--cancelled">Cancelled</span></h3>'
        '<p class="event-card__meta">Blue Lab · Zoom webinar</p>'
    )
    time = '<time datetime="2027-01-12T16:00:00+00:00" data-zone="America/New_York">'
    assert agenda == (
        f'<li class="event-card event-card--cancelled"><p class="event-card__time">{time}'
        f"11 a.m. – noon EST</time></p>{title}"
        '<p class="event-card__summary">What it was about</p></li>'
    )
    # On home, not grouped by day: the card names its day, in a grid of short cards.
    assert home == (
        '<li class="card event-card--cancelled"><p class="event-card__time">'
        f"Tuesday, Jan. 12, 2027<br>{time}11 a.m. – noon EST</time></p>{title}</li>"
    )


def test_organisers_see_drafts_marked_on_home_as_on_the_agenda(organiser_client):
    make_event(campaign=make_campaign(), title="Not yet public", status=Event.Status.DRAFT)
    with time_machine.travel(BEFORE, tick=False):
        for url in ("/", "/events/"):
            html = organiser_client.get(url).content.decode()
            assert 'Not yet public</a> <span class="badge">Draft</span></h3>' in html, url


def options(html, name):
    select = re.search(rf'<select name="{name}" id="id_{name}">(.*?)</select>', html, re.S)[1]
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)


def test_filter_menus_are_the_forms_choices_with_the_chosen_one_selected(client):
    host = make_host(name="Blue Lab")
    make_event(host=host)
    form = AgendaFilterForm({})
    html = client.get(f"/events/?host={host.slug}&platform=teams&q=mentor").content.decode()
    for name in ("campaign", "host", "platform"):
        chosen = {"host": host.slug, "platform": "teams"}.get(name, "")
        expected = [
            (str(value), " selected" if str(value) == chosen else "", str(label))
            for value, label in form.fields[name].choices
        ]
        assert options(html, name) == expected, name
    assert '<label for="id_host">Host</label>' in html
    assert '<input type="search" name="q" id="id_q" maxlength="100" value="mentor">' in html
    assert '<input type="checkbox" name="past" id="id_past" value="1">' in html
    ticked = client.get("/events/?past=1").content.decode()
    assert '<input type="checkbox" name="past" id="id_past" value="1" checked>' in ticked


def test_the_month_grid_has_no_past_box(client):
    html = client.get("/events/calendar/2027/1/").content.decode()
    assert 'name="campaign"' in html and 'name="past"' not in html


def test_filter_menus_read_no_campaigns_or_hosts_for_their_choices(
    client, django_assert_max_num_queries
):
    make_event()
    client.get("/events/")  # the menus' value lists are kept per schedule version
    form = AgendaFilterForm({})
    # At most the schedule's version stamp, from the cache table (none when this
    # transaction's own change is still pending), never the campaigns or hosts.
    with django_assert_max_num_queries(1) as queries:
        form.menus()
        first = next(iter(form["host"].subwidgets))
        assert str(first.data["label"]) == "All hosts"
    assert not [q for q in queries.captured_queries if "events_host" in q["sql"]]
    assert not [q for q in queries.captured_queries if "events_campaign" in q["sql"]]
