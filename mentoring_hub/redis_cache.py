"""The shared cache: Redis, with the database cache standing in whenever Redis fails.

A cache is never a single point of failure. Every operation on Redis has a short socket
timeout (REDIS_TIMEOUT); the first that fails or times out opens a breaker in this
process, and for the next `RETRY_AFTER` seconds every operation goes to the database
cache instead (pages, sessions, rate limits and version stamps keep working, slower),
without touching Redis again. After that one operation tries Redis again.

When Redis answers after an outage, this process first deletes the site's keys from it
(those under its KEY_PREFIX) before reading anything there: while Redis was away, the
schedule's version stamp, sessions and rate-limit counters moved on in the database
cache, and what Redis still holds (a paused or partitioned Redis keeps its data) could
be older. Another process that did not see the outage may read Redis for the seconds
before a process that did clears it; README's runbook says what an operator does about
that after a long outage.

Django's RedisCacheClient also builds a new `redis.Redis` for every cache operation,
and that constructor fills a table of ~170 response callbacks each time: about 0.2 ms
per read, twice a request on the pages served from the cache (the version stamp, then
the page). A `redis.Redis` is safe to share between threads (its pool hands out the
connections), so one per pool is kept and reused.
"""

import copy
import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import DatabaseError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# What a failing Redis raises: its own errors (connection, timeout, response) and the
# socket's.
REDIS_ERRORS = (RedisError, OSError)


class ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


def _failing_over(name, default=None):
    """Cache method `name`: on Redis while it answers, else on the database cache."""

    def method(self, *args, **kwargs):
        if self._available():
            try:
                return getattr(DjangoRedisCache, name)(self, *args, **kwargs)
            except REDIS_ERRORS as exc:
                self._trip(exc)
        try:
            return getattr(self.fallback, name)(*args, **kwargs)
        except DatabaseError:
            # Both down: a miss (the database's own fault answers 503 elsewhere).
            log.warning("cache fallback unavailable for %s", name, exc_info=True)
            if name == "get":
                return kwargs.get("default", args[1] if len(args) > 1 else None)
            return copy.copy(default)

    method.__name__ = name
    return method


class RedisCache(DjangoRedisCache):
    """Redis with a breaker and the database cache as its stand-in (see above).

    Extra keys beside BACKEND and LOCATION: FALLBACK, the alias of the database cache
    (default "database"), and RETRY_AFTER, the seconds the breaker stays open (5)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingClient
        self.fallback_alias = params.get("FALLBACK", "database")
        self.retry_after = float(params.get("RETRY_AFTER", 5))
        self._down_until = None  # monotonic time until which Redis is not tried

    @property
    def fallback(self):
        return caches[self.fallback_alias]

    @property
    def is_down(self):
        """Whether this process is currently using the stand-in."""
        return self._down_until is not None

    def _trip(self, exc):
        if self._down_until is None:
            log.warning("Redis unavailable (%s): using the database cache", exc)
        self._down_until = time.monotonic() + self.retry_after

    def _available(self):
        if self._down_until is None:
            return True
        if time.monotonic() < self._down_until:
            return False
        # The breaker's time is up: Redis is back only if it answers and forgets what
        # it held from before the outage.
        try:
            self.purge()
        except REDIS_ERRORS as exc:
            self._trip(exc)
            return False
        log.warning("Redis answers again: its keys from before the outage are cleared")
        self._down_until = None
        return True

    def purge(self):
        """Delete every key under this site's prefix (a shared Redis keeps others')."""
        client = self._cache.get_client(write=True)
        pattern = f"{self.key_prefix}:*" if self.key_prefix else "*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)

    def ping(self):
        """Whether Redis answers (the health check's question). Asked through the breaker
        like any operation: while it is open the answer is no without waiting, so a load
        balancer polling /healthz during an outage never queues requests behind timeouts."""
        if not self._available():
            return False
        try:
            return bool(self._cache.get_client().ping())
        except REDIS_ERRORS as exc:
            self._trip(exc)
            return False

    add = _failing_over("add", default=False)
    get = _failing_over("get")
    set = _failing_over("set")
    touch = _failing_over("touch", default=False)
    delete = _failing_over("delete", default=False)
    get_many = _failing_over("get_many", default={})
    has_key = _failing_over("has_key", default=False)
    incr = _failing_over("incr")
    set_many = _failing_over("set_many", default=[])
    delete_many = _failing_over("delete_many")
    clear = _failing_over("clear")


def cache_health(cache):
    """ "ok" or "down" for the shared cache, asked directly (the health check)."""
    if isinstance(cache, RedisCache):
        return "ok" if cache.ping() else "down"
    try:
        cache.get("healthz")
    except Exception:  # any failure of the cache is "down"
        return "down"
    return "ok"
