"""The schedule's filter menus, rendered from the filter form."""

import re

import pytest

from events.forms import AgendaFilterForm
from tests.factories import make_event, make_host

pytestmark = pytest.mark.django_db


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
    client, django_assert_num_queries
):
    make_event()
    client.get("/events/")  # the menus' value lists are kept per schedule version
    form = AgendaFilterForm({})
    with django_assert_num_queries(1):  # the schedule's version stamp, from the cache table
        form.menus()
        first = next(iter(form["host"].subwidgets))
        assert str(first.data["label"]) == "All hosts"
