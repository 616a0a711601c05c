"""The site keeps working when a part fails, and recovers by itself.

Cache: a Redis of the test's own, stopped and paused (SIGSTOP: it accepts connections
and never answers). Database: a gunicorn whose PostgreSQL connections run through a
relay the test cuts, so only the app's own connections end. On PostgreSQL, as
production runs; no test waits more than 10 s.
"""

import time

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client

from events import cache as schedule_cache
from events.models import Registration
from mentoring_hub.cache import new_version
from mentoring_hub.periodic import run_due
from mentoring_hub.redis_cache import RedisCache
from tests.factories import PASSWORD, make_event, make_member
from tests.processes import Browser, OwnRedis, Relay, Site, wait_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="fault tests run on PostgreSQL, as production"
)

ANSWER_WITHIN = 2.0  # seconds: the promise while a part is down


def redis_cache(url, retry_after=1, timeout=0.3):
    return {
        "BACKEND": "mentoring_hub.redis_cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "faults",
        "FALLBACK": "database",
        "RETRY_AFTER": retry_after,
        "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
    }


@pytest.fixture
def own_redis(settings):
    """The default cache on a Redis of this test's own; the database cache stands in."""
    redis = OwnRedis().start()
    settings.CACHES = {**settings.CACHES, "default": redis_cache(redis.url)}
    yield redis
    redis.stop()


def back_on_redis():
    """Wait until this process uses Redis again (the breaker's RETRY_AFTER is 1 s)."""
    wait_for(lambda: cache.get("probe") is None and not caches["default"].is_down, timeout=5)


def timed(client, method, path, **kwargs):
    started = time.monotonic()
    response = getattr(client, method)(path, **kwargs)
    return response, time.monotonic() - started


def visit_everything(client, event, member):
    """What visitors and members do on a campaign day; every answer within 2 s, no 500."""
    answers = {}
    for path in ("/", "/events/", f"/events/{event.slug}/", "/events/feed.ics", "/healthz"):
        response, seconds = timed(client, "get", path)
        answers[path] = (response.status_code, seconds)
    response, seconds = timed(client, "get", "/accounts/signup/")
    answers["signup page"] = (response.status_code, seconds)
    response, seconds = timed(
        client,
        "post",
        "/accounts/signup/",
        data={
            "email": f"new-{time.monotonic_ns()}@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_terms": "on",
        },
    )
    answers["sign-up"] = (response.status_code, seconds)
    response, seconds = timed(
        client, "post", "/accounts/login/", data={"login": member.email, "password": PASSWORD}
    )
    answers["log-in"] = (response.status_code, seconds)
    response, seconds = timed(client, "get", "/me/")
    answers["signed in page"] = (response.status_code, seconds)
    return answers


def assert_all_answered(answers):
    for what, (status, seconds) in answers.items():
        assert status < 500, f"{what} answered {status}"
        assert seconds < ANSWER_WITHIN, f"{what} took {seconds:.2f} s"
    assert answers["log-in"][0] == 302, "the member could not sign in"
    assert answers["signed in page"][0] == 200, "the session did not hold"


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["stopped", "paused"])
def test_the_site_answers_while_redis_is_down_and_the_health_check_says_so(
    client, own_redis, fault
):
    event, member = make_event(), make_member()
    assert client.get("/healthz").json()["cache"] == "ok"
    own_redis.stop() if fault == "stopped" else own_redis.pause()
    try:
        answers = visit_everything(client, event, member)
        assert_all_answered(answers)
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "ok", "cache": "down"}
    finally:
        if fault == "paused":
            own_redis.resume()


@pytest.mark.django_db
def test_the_health_check_does_not_wait_on_a_hung_redis_again_and_again(
    client, own_redis, settings
):
    """A balancer polls /healthz through an outage: after the first timeout it must
    answer at once, or polls queue every worker behind Redis timeouts."""
    settings.CACHES = {
        **settings.CACHES,
        "default": redis_cache(own_redis.url, retry_after=60, timeout=3),
    }
    own_redis.pause()
    try:
        first, waited = timed(client, "get", "/healthz")
        second, seconds = timed(client, "get", "/healthz")
    finally:
        own_redis.resume()
    assert first.json()["cache"] == second.json()["cache"] == "down"
    assert waited >= 3  # the first asked Redis and waited out its timeout...
    assert seconds < 1.5  # ...the second did not ask it again


@pytest.mark.django_db
def test_failed_logins_are_still_counted_while_redis_is_down(client, own_redis):
    member = make_member()
    own_redis.stop()
    wrong = {"login": member.email, "password": "not the password"}
    for _ in range(5):
        assert client.post("/accounts/login/", data=wrong).status_code == 200
    response = client.post("/accounts/login/", data={**wrong, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_session_begun_on_redis_holds_when_redis_stops(client, own_redis):
    member = make_member()
    client.post("/accounts/login/", data={"login": member.email, "password": PASSWORD})
    assert client.get("/me/").status_code == 200
    own_redis.stop()
    assert client.get("/me/").status_code == 200


@pytest.mark.django_db
def test_the_site_returns_to_redis_by_itself_and_forgets_what_changed_meanwhile(own_redis, deliver):
    """A paused Redis keeps its keys; one that changed during the outage (here: the
    schedule's version) is older than the truth, so it goes."""
    before = schedule_cache.version()
    own_redis.pause()
    try:
        with deliver():
            schedule_cache.bump()  # the schedule changes during the outage
        during = schedule_cache.version()
        assert during != before
        assert caches["default"].is_down
    finally:
        own_redis.resume()
    # After RETRY_AFTER (1 s here) Redis is tried again, forgets what changed, and is used.
    back_on_redis()
    assert schedule_cache.version() not in (before, None)
    cache.set("back", "on redis")
    assert caches["default"]._cache.get_client().exists("faults:1:back")


@pytest.mark.django_db
def test_what_an_earlier_outage_left_in_the_database_cache_never_comes_back(own_redis, deliver):
    cache.set("note", "before")
    own_redis.pause()
    try:
        with deliver():
            schedule_cache.bump()
        first_outage = schedule_cache.version()
        cache.set("note", "written in the first outage")
    finally:
        own_redis.resume()
    back_on_redis()
    with deliver():
        schedule_cache.bump()
    cache.delete("note")
    own_redis.pause()
    try:
        assert schedule_cache.version() != first_outage
        assert cache.get("note") is None
    finally:
        own_redis.resume()


@pytest.mark.django_db
def test_a_session_ended_during_an_outage_stays_ended_when_redis_returns(client, own_redis):
    member = make_member()
    client.post("/accounts/login/", data={"login": member.email, "password": PASSWORD})
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/me/").status_code == 200  # the session is on Redis now
    own_redis.pause()
    try:
        client.post("/accounts/logout/")
    finally:
        own_redis.resume()
    back_on_redis()
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert thief.get("/me/").status_code == 302


@pytest.mark.django_db
def test_a_stamp_bumped_by_a_process_that_exited_during_the_outage_is_forgotten(own_redis):
    """A command or the cron bumps the schedule's version while Redis is away and exits;
    this process never saw the outage. run_periodic makes Redis forget the old stamp."""
    before = schedule_cache.version()  # on Redis
    own_redis.pause()
    try:
        other_process = RedisCache(own_redis.url, redis_cache(own_redis.url))
        other_process.set(schedule_cache.version.key, new_version(), None)
        assert other_process.is_down
    finally:
        own_redis.resume()
    del other_process
    assert cache.get(schedule_cache.version.key) == before  # stale until healed
    assert "heal_redis_cache" in run_due()
    assert cache.get(schedule_cache.version.key) is None
    assert schedule_cache.version() != before


# The database --------------------------------------------------------------------


@pytest.fixture
def site_behind_relay():
    """A gunicorn whose database connections pass through a relay the test controls."""
    db = connection.settings_dict
    relay = Relay(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    site = Site(
        {
            "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{relay.port}/{db['NAME']}",
            "REDIS_URL": "",
            "CONN_MAX_AGE": "600",  # persistent connections with health checks, as production
        }
    )
    yield site, relay
    site.stop()
    relay.close()


@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_unreachable_requests_answer_503_and_then_recover(
    site_behind_relay,
):
    site, relay = site_behind_relay
    event = make_event(capacity=10)
    member = make_member()
    browser = Browser()
    login = site.base + "/accounts/login/"
    browser.post_form(login, {"login": member.email, "password": PASSWORD})
    page_url = site.base + event.get_absolute_url()
    status, _url, page = browser.get(page_url)
    assert status == 200 and "Register" in page
    token = browser.token(page)

    relay.cut()
    for path in ("/healthz", "/", "/events/", event.get_absolute_url(), "/events/feed.ics"):
        started = time.monotonic()
        status, headers, _body = site.get(path)
        assert status == 503, f"{path} answered {status}"
        assert headers.get("Retry-After") == "30"
        assert time.monotonic() - started < ANSWER_WITHIN
    assert b"briefly unavailable" in site.get("/events/")[2]
    status, _url, page = browser.post(page_url, token, {}, action=page_url + "register")
    assert status == 503 and "Nothing you sent was saved" in page

    relay.restore()
    wait_for(lambda: site.get("/healthz")[0] == 200, timeout=8)
    assert browser.get(page_url)[0] == 200, "the signed-in member's session did not survive"
    assert not Registration.objects.filter(event=event).exists()
