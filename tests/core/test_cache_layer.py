"""The cache layer's contract (mentoring_hub/cache.py): version stamps, what is kept
under them, and the public page cache."""

import socket
import uuid

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from events import cache as schedule_cache
from mentoring_hub.cache import STAMPS, VersionStamp
from mentoring_hub.redis_cache import DIRTY_KEY
from mentors import suggest
from mentors.models import MatchingSettings, Profile
from tests.factories import make_event, make_member, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def stamp():
    made = VersionStamp(f"contract-{uuid.uuid4().hex}")
    yield made
    made.reset()


def test_the_schedule_and_mentors_stamps_are_independent(deliver):
    schedule, mentors = schedule_cache.version(), suggest.version()
    with deliver():
        schedule_cache.bump()
    assert schedule_cache.version() != schedule
    assert suggest.version() == mentors
    schedule = schedule_cache.version()
    with deliver():
        suggest.bump()
    assert suggest.version() != mentors
    assert schedule_cache.version() == schedule


def test_two_stamps_never_share_a_name():
    with pytest.raises(ImproperlyConfigured):
        VersionStamp("schedule")


def test_a_bump_is_shared_when_its_transaction_commits(stamp, deliver):
    before = stamp()
    with deliver():
        stamp.bump()
        inside = stamp()  # this transaction sees its own change at once...
        assert inside != before
        assert cache.get(stamp.key) == before  # ...nobody else before the commit
    assert stamp() not in (before, inside)  # a new value: nothing kept under `inside`
    assert cache.get(stamp.key) == stamp()


def test_a_bump_in_a_transaction_that_rolls_back_changes_nothing(stamp):
    before = stamp()
    with pytest.raises(RuntimeError), transaction.atomic():
        stamp.bump()
        assert stamp() != before
        raise RuntimeError("rolled back")
    assert stamp() == before
    assert cache.get(stamp.key) == before


def test_a_rolled_back_savepoint_takes_only_its_own_bump(stamp):
    before = stamp()
    with transaction.atomic():
        stamp.bump()
        outer = stamp()
        with pytest.raises(RuntimeError), transaction.atomic():
            stamp.bump()
            assert stamp() != outer
            raise RuntimeError("rolled back")
        assert stamp() == outer
    assert cache.get(stamp.key) == before  # the test's transaction never commits


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_and_rollback():
    real = VersionStamp(f"contract-{uuid.uuid4().hex}")
    try:
        before = real()
        with pytest.raises(RuntimeError), transaction.atomic():
            real.bump()
            raise RuntimeError("rolled back")
        assert real() == before == cache.get(real.key)
        with transaction.atomic():
            real.bump()
            assert cache.get(real.key) == before
        assert real() != before
        assert cache.get(real.key) == real()
        real.bump()  # outside a transaction: at once
        assert cache.get(real.key) != before
    finally:
        real.reset()


def test_reset_starts_the_stamp_and_what_it_keeps_afresh(stamp):
    computed = []
    kept = stamp.memo(lambda: computed.append(1) or len(computed))
    before = stamp()
    assert kept() == kept() == 1
    with transaction.atomic():
        stamp.bump()  # uncommitted: reset drops it too
        stamp.reset()
        assert cache.get(stamp.key) is None
        assert stamp() == cache.get(stamp.key) != before
    assert kept() == 2


def test_what_is_kept_is_served_only_under_the_stamp_it_was_computed_for(stamp, deliver):
    computed = []
    kept = stamp.memo(lambda: computed.append(1) or len(computed))
    assert kept() == kept() == 1
    with deliver():
        stamp.bump()
    assert kept() == kept() == 2
    with transaction.atomic():
        stamp.bump()
        assert kept() == 3  # inside the changing transaction
    kept.forget()
    assert kept() == 4


def test_suggestions_forget_rebuilds_the_arrays(django_assert_num_queries):
    MatchingSettings.current()
    make_profile()
    with CaptureQueriesContext(connection) as first:
        arrays = suggest.built()
    assert first.captured_queries
    with django_assert_num_queries(0):
        assert suggest.built() is arrays
    suggest.forget()
    with django_assert_num_queries(len(first.captured_queries)):
        assert suggest.built() is not arrays


def page(client, path="/events/"):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_stored_page_is_served_until_its_stamp_is_bumped_then_never(client, deliver):
    event = make_event(title="Before the change")
    url = event.get_absolute_url()
    assert "Before the change" in page(client, url)
    with connection.cursor() as cursor:  # a change that tells nobody
        cursor.execute(
            "UPDATE events_event SET title = %s WHERE id = %s", ["A quiet change", event.pk]
        )
    assert "Before the change" in page(client, url)  # stored
    with deliver():
        schedule_cache.bump()
    assert "A quiet change" in page(client, url)


def test_the_directory_is_stored_under_the_mentors_stamp(client, deliver):
    mentor = make_profile(display_name="Old Name", visibility="public")
    assert "Old Name" in page(client, "/mentors/")
    Profile.objects.filter(pk=mentor.pk).update(display_name="New Name")  # no bump
    with deliver():
        schedule_cache.bump()  # the schedule's stamp does not retire the directory
    assert "Old Name" in page(client, "/mentors/")
    with deliver():
        suggest.bump()
    assert "New Name" in page(client, "/mentors/")


def test_members_never_get_a_stored_page_nor_leave_theirs(client):
    make_profile(display_name="Members Mo", visibility="members")
    client.force_login(make_member())
    assert "Members Mo" in page(client, "/mentors/")  # rendered for a member...
    assert '<a href="/accounts/login/">Log in</a>' not in page(client)
    client.logout()
    assert "Members Mo" not in page(client, "/mentors/")  # ...never stored for others
    assert '<a href="/accounts/login/">Log in</a>' in page(client)  # stored now
    client.force_login(make_member())
    assert '<a href="/accounts/login/">Log in</a>' not in page(client)


def refused_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{sock.getsockname()[1]}/0"


def test_every_stamp_bumped_without_redis_is_listed_for_healing(settings, deliver):
    """Stamps never expire: one written while Redis is away is listed in the database,
    so that Redis forgets its older value before it is used again (redis_cache.py)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "mentoring_hub.redis_cache.RedisCache",
            "LOCATION": refused_url(),
            "KEY_PREFIX": "layer",
            "FALLBACK": "database",
            "RETRY_AFTER": 60,
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        },
    }
    stamps = list(STAMPS.values())
    assert {"schedule", "mentors"} <= {each.name for each in stamps}
    with deliver():
        for each in stamps:
            each.bump()
    assert caches["default"].is_down
    listed = set(caches["database"].get(DIRTY_KEY))
    assert {caches["default"].make_key(each.key) for each in stamps} <= listed
