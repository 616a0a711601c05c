from datetime import date
from types import SimpleNamespace

import pytest

from events import booking
from events.dashboard import campaign_dashboard, session_row, signup_chart, totals
from events.models import Event
from tests.factories import make_campaign, make_event, make_join_option, make_member


def test_the_busiest_day_has_the_tallest_bar_and_the_others_are_in_proportion():
    per_day = [{"day": date(2027, 1, 1), "count": 2}, {"day": date(2027, 1, 2), "count": 4}]
    assert [(bar["x"], bar["y"], bar["height"]) for bar in signup_chart(per_day)] == [
        (0, 60, 50),
        (24, 10, 100),
    ]
    assert signup_chart([]) == []


def test_a_session_row_flags_nearly_full_and_missing_join_details():
    event = SimpleNamespace(
        confirmed=9, waiting=2, capacity=10, status=Event.Status.PUBLISHED, detailed_options=0
    )
    row = session_row(event)
    assert (row["fill_percent"], row["nearly_full"], row["missing_join_details"]) == (
        90,
        True,
        True,
    )
    assert totals([row, session_row(SimpleNamespace(**{**vars(event), "capacity": None}))]) == {
        "total_confirmed": 18,
        "total_waiting": 4,
        "flagged": 2,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 3])
def test_dashboard_queries_do_not_grow_with_sessions(n, django_assert_num_queries):
    campaign = make_campaign()
    for _ in range(n):
        event = make_event(campaign=campaign, capacity=5)
        make_join_option(event)
        booking.register(event, make_member())
    with django_assert_num_queries(2):
        figures = campaign_dashboard(campaign)
    assert figures["total_confirmed"] == n
