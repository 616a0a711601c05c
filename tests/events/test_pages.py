import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from events.models import Event, Registration
from tests.factories import make_event, make_host, make_join_option, make_member, make_organiser

pytestmark = pytest.mark.django_db
LAUNCH = "/events/?campaign=national-mentoring-month-2023&past=1"
DURING_CAMPAIGN = datetime(2023, 1, 2, 12, tzinfo=UTC)


def text(response):
    """The page's visible text, tags stripped and spaces folded."""
    # Drop scripts and the filter form (its menus list every host and campaign).
    body = re.sub(r"<(script|style|form)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def test_launch_agenda_lists_the_six_sessions_in_order(client, launch_schedule):
    with time_machine.travel(DURING_CAMPAIGN, tick=False):
        page = text(client.get("/events/?campaign=national-mentoring-month-2023"))
    titles = [
        "National Mentoring Month Kick-off",
        "USAFA - Mentoring Month Workshop",
        "AF Blue Lab – Mentoring in a Digital Era",
        "Crucial Conversation – Mentoring impact on Diversity and Inclusion",
        "Civilian Leadership Development School (CLDS) – Mentoring in Action",
        "Us-Mentoring-Us (UMU) – “We Got Next”: the Mentee Perspective",
    ]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)
    for line in [
        "Monday, Jan. 9, 2023 11 a.m. – noon EST National Mentoring Month Kick-off",
        "Wednesday, Jan. 18, 2023 6 p.m. – 7 p.m. EST AF Blue Lab",
        "Monday, Jan. 23, 2023 7:30 p.m. – 9 p.m. EST Crucial Conversation",
        "Wednesday, Feb. 1, 2023 Time to be decided Us-Mentoring-Us (UMU)",
    ]:
        assert line in page


def test_agenda_is_upcoming_by_default_with_a_way_to_the_past(client, launch_schedule):
    with time_machine.travel(datetime(2023, 1, 20, 12, tzinfo=UTC), tick=False):
        upcoming = text(client.get("/events/?campaign=national-mentoring-month-2023"))
        past = text(client.get(LAUNCH))
    assert "Kick-off" not in upcoming and "Crucial Conversation" in upcoming
    assert "Show past sessions" in upcoming
    assert "Kick-off" in past and "Crucial Conversation" not in past
    assert past.index("AF Blue Lab") < past.index("Kick-off")  # most recent first


def test_detail_page_shows_public_join_details_as_printed(client, launch_schedule):
    page = text(client.get("/events/national-mentoring-month-kick-off-2023/"))
    assert "Webinar ID 160 333 4786" in page
    assert "Passcode 371908" in page
    assert "11 a.m. – noon EST (America/New_York)" in page
    clds = text(client.get("/events/clds-mentoring-in-action-2023/"))
    assert "Meeting ID 161 366 9742 Passcode 690808" in clds


def test_tbd_session_has_its_date_and_no_time_anywhere(client, launch_schedule):
    detail = client.get("/events/umu-we-got-next-mentee-perspective-2023/")
    grid = client.get("/events/calendar/2023/2/")
    for response in (detail, grid):
        html = response.content.decode()
        assert "Time to be decided" in html
        assert "<time" not in html
    assert "Wednesday, Feb. 1, 2023" in text(detail)
    cell = re.search(
        r"<td[^>]*>\s*<p class=\"month-grid__date\">1<.*?</td>", grid.content.decode(), re.S
    )
    assert "We Got Next" in cell.group(0)


def test_month_grid_for_january_2023(client, launch_schedule):
    with time_machine.travel(datetime(2023, 1, 18, 15, tzinfo=UTC), tick=False):
        response = client.get("/events/calendar/2023/1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sessions in January 2023" in html
    assert '<span aria-current="date">18</span>' in html
    assert 'href="/events/calendar/2022/12/"' in html and 'href="/events/calendar/2023/2/"' in html
    assert html.count('class="month-grid__time"') == 5  # the TBD session is in February


def test_markup_in_titles_hosts_and_summaries_is_shown_as_text(client):
    """The schedule's pages and home are Jinja2 templates: every value is escaped by the
    engine (quotes as &#39;), the lists of sessions and the filter menus included."""
    script = "<script>alert('x')</script>"
    host = make_host(name=f"Host {script} & Co")
    event = make_event(title=f"Title {script}", summary=f'Summary "{script}"', host=host)
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False):
        for url in ("/events/", "/events/calendar/2027/1/", "/"):
            html = client.get(url).content.decode()
            assert script not in html, url
            assert "Title &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html, url
            if url != "/":
                assert f'value="{host.slug}">Host &lt;script&gt;' in html  # the filter menu
            if url != "/events/calendar/2027/1/":  # the grid shows no host
                assert "Host &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in html
        html = client.get("/events/").content.decode()
        assert "Summary &#34;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#34;" in html
        html = client.get(event.get_absolute_url()).content.decode()
        assert script not in html
        assert "<h1>Title &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>" in html
        assert "Host &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in html


def test_agenda_cards_name_each_platform_once_in_the_organisers_order(client):
    event = make_event(title="On three platforms", host=make_host(name="Demo Host"))
    make_join_option(event, platform="facebook_live", position=0)
    make_join_option(event, platform="zoom_webinar", position=1)
    make_join_option(event, platform="facebook_live", position=2)
    make_event(title="Nowhere yet", host=event.host)
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False):
        page = text(client.get("/events/"))
    assert "On three platforms Demo Host · Facebook Live · Zoom webinar" in page
    assert "Nowhere yet Demo Host" in page and "Nowhere yet Demo Host ·" not in page


def test_agenda_cards_learn_of_changed_join_options_at_once(client):
    """The cards' platforms are kept per schedule version: adding or removing a way to
    join shows on the next request, in this process and any other."""
    event = make_event(title="Moving platforms", host=make_host(name="Demo Host"))
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False):
        assert "Moving platforms Demo Host ·" not in text(client.get("/events/"))
        option = make_join_option(event, platform="teams")
        assert "Moving platforms Demo Host · Microsoft Teams" in text(client.get("/events/"))
        option.delete()
        assert "Moving platforms Demo Host ·" not in text(client.get("/events/"))


def test_the_schedule_version_is_read_once_a_request_and_afresh_outside_one(
    client, monkeypatch, deliver
):
    from events import cache as schedule_cache
    from mentoring_hub import cache as cache_layer

    first = schedule_cache.version()
    cache.set(schedule_cache.version.key, first + 1, timeout=None)  # another process
    assert schedule_cache.version() == first + 1  # no request: nothing remembered

    reads = []
    shared = cache_layer.cache

    class Counting:
        def __getattr__(self, name):
            return getattr(shared, name)

        def get(self, key, *args):
            reads.append(key)
            return shared.get(key, *args)

    monkeypatch.setattr(cache_layer, "cache", Counting())
    with deliver():
        make_event()  # committed: the request reads the shared stamp
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False):
        assert client.get("/events/").status_code == 200  # page key, menus, platforms
    assert reads.count(schedule_cache.version.key) == 1
    schedule_cache.version()
    assert reads.count(schedule_cache.version.key) == 2  # after the request: read again


def test_a_request_that_began_before_a_change_never_stores_old_data_under_it(db):
    from events import cache as schedule_cache

    computed = []
    remembered = schedule_cache.per_version(lambda: computed.append(1) or len(computed))
    newer = schedule_cache.version()
    assert remembered() == 1
    cache.set(schedule_cache.version.key, newer - 1, timeout=None)  # an older view
    assert remembered() == 2  # computed for the older stamp...
    cache.set(schedule_cache.version.key, newer, timeout=None)
    assert remembered() == 1  # ...without replacing what the newer one stored


def header(response):
    return re.search(r'<header class="site-header">.*?</header>', response.content.decode(), re.S)[
        0
    ]


def test_django_and_jinja2_pages_share_one_header(client):
    """The schedule's pages are Jinja2 templates, the rest Django templates: both take
    the header from templates/jinja2/includes/header.html."""
    agenda, terms = header(client.get("/events/")), header(client.get("/terms/"))
    assert agenda.replace(' aria-current="page"', "") == terms
    assert '<a href="/events/" aria-current="page">Events</a>' in agenda
    assert '<a href="/accounts/login/">Log in</a>' in terms
    client.force_login(make_organiser())
    agenda, terms = header(client.get("/events/")), header(client.get("/terms/"))
    for page in (agenda, terms):
        assert '<a href="/admin/">Organise</a>' in page and "Log in" not in page
        assert re.search(r'name="csrfmiddlewaretoken" value="\w+"', page)  # the log-out form


def test_filter_menus_learn_of_a_new_host_at_once(client):
    make_event()
    client.get("/events/")
    host = make_host(name="Newly added host")
    assert f'<option value="{host.slug}">Newly added host</option>' in (
        client.get("/events/").content.decode()
    )


@pytest.mark.parametrize(
    "url", ["/events/calendar/2023/13/", "/events/calendar/0/1/", "/events/calendar/99999/1/"]
)
def test_impossible_months_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_empty_month_points_to_the_next_sessions(client, launch_schedule):
    page = text(client.get("/events/calendar/2022/6/"))
    assert "No sessions this month. Next sessions: January 2023" in page


def test_drafts_are_invisible_on_every_public_page(client):
    draft = make_event(
        title="Secret draft session", status=Event.Status.DRAFT, day=date(2027, 1, 12)
    )
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC), tick=False):
        pages = [
            client.get(url)
            for url in ["/", "/events/", "/events/calendar/2027/1/", "/events/?past=1"]
        ]
    for page in pages:
        assert "Secret draft session" not in page.content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_organisers_preview_drafts(organiser_client):
    draft = make_event(title="Draft preview", status=Event.Status.DRAFT)
    # The organiser's permission comes from the Organisers group, and counts only in a
    # session signed in with the second factor (tests/accounts/test_two_factor.py).
    response = organiser_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only organisers can see this session." in text(response)


def test_cancelled_sessions_stay_visible_and_marked(client):
    event = make_event(title="Called off", status=Event.Status.CANCELLED)
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC), tick=False):
        agenda = text(client.get("/events/"))
    assert "Called off Cancelled" in agenda
    assert "This session is cancelled." in text(client.get(event.get_absolute_url()))


def join_page(client, event):
    return text(client.get(event.get_absolute_url()))


def test_members_only_join_details(client):
    event = make_event(join_audience=Event.Audience.MEMBERS)
    make_join_option(event, meeting_id="1234567890", passcode="s3cret-pass")
    anonymous = join_page(client, event)
    assert "s3cret-pass" not in anonymous and "123 456 7890" not in anonymous
    assert "Join details are shown to signed-in members." in anonymous
    client.force_login(make_member())
    assert "Passcode s3cret-pass" in join_page(client, event)


def test_attendee_only_join_details(client):
    event = make_event(join_audience=Event.Audience.ATTENDEES)
    make_join_option(event, join_url="https://zoom.example.org/j/1", passcode="only-attendees")
    member = make_member()
    client.force_login(member)
    page = join_page(client, event)
    assert "only-attendees" not in page and "zoom.example.org" not in page
    assert "Join details are shown to registered attendees." in page
    Registration.objects.create(event=event, user=member, status=Registration.Status.WAITING)
    assert "only-attendees" not in join_page(client, event)
    Registration.objects.filter(event=event).delete()
    Registration.objects.create(event=event, user=member)
    assert "Passcode only-attendees" in join_page(client, event)
    assert "only-attendees" not in join_page(Client(), event)


def test_filters_combine_and_stay_in_the_url(client, launch_schedule):
    response = client.get(LAUNCH + "&platform=facebook_live&q=mentoring")
    page = text(response)
    assert "AF Blue Lab" in page and "Crucial Conversation" in page and "We Got Next" in page
    assert "Kick-off" not in page and "USAFA" not in page
    html = response.content.decode()
    assert '<option value="facebook_live" selected>' in html
    assert 'value="mentoring"' in html


@pytest.mark.parametrize(
    "query",
    [
        "campaign=no-such-campaign",
        "platform=carrier-pigeon",
        "page=abc",
        "page=-3",
        "host=%00",
        "q=" + "x" * 500,
        "campaign=%27%20OR%201%3D1--",
    ],
)
def test_bad_filter_values_are_reported_not_errors(client, launch_schedule, query):
    response = client.get("/events/?past=1&" + query)
    assert response.status_code == 200
    if "page=" not in query:
        assert "Some filters were not understood and were ignored" in response.content.decode()


def test_no_results_say_so(client, launch_schedule):
    page = text(client.get(LAUNCH + "&q=underwater+basket+weaving"))
    assert "No past sessions match these filters." in page


def test_home_shows_the_current_campaign(client, launch_schedule):
    with time_machine.travel(DURING_CAMPAIGN, tick=False):
        page = text(client.get("/"))
    assert "National Mentoring Month 2023" in page
    assert "Love your mentoring journey" in page
    assert "National Mentoring Month Kick-off" in page
    assert "See all sessions" in page


def test_anonymous_pages_come_from_the_cache_but_never_stale(client):
    event = make_event(title="Before the edit")
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC), tick=False):
        first = client.get("/events/")
        assert "csrfmiddlewaretoken" not in first.content.decode()
        event.title = "After the edit"
        event.save()
        second = text(client.get("/events/"))
    assert "After the edit" in second and "Before the edit" not in second


def test_signed_in_visitors_never_get_the_anonymous_page(client):
    event = make_event(join_audience=Event.Audience.MEMBERS)
    make_join_option(event, passcode="members-passcode")
    assert "members-passcode" not in join_page(client, event)  # stored for anonymous visitors
    client.force_login(make_member())
    assert "members-passcode" in join_page(client, event)
    client.logout()
    assert "members-passcode" not in join_page(client, event)


@pytest.mark.parametrize("n", [1, 3])
def test_query_counts_do_not_grow_with_sessions(client, django_assert_max_num_queries, n):
    campaign = make_event().campaign
    events = [make_event(campaign=campaign) for _ in range(n)]
    for event in events:
        make_join_option(event)
        make_join_option(event, platform="facebook_live")
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC), tick=False):
        for url in ["/", "/events/", "/events/calendar/2027/1/", events[-1].get_absolute_url()]:
            # With the database cache each cache write is a few queries; Redis has none.
            # Two are the request's own transaction (a savepoint inside the test's).
            with django_assert_max_num_queries(15):
                assert client.get(url).status_code == 200
        client.force_login(make_member())
        for url in ["/", "/events/", "/events/calendar/2027/1/", events[-1].get_absolute_url()]:
            with django_assert_max_num_queries(15):
                assert client.get(url).status_code == 200
