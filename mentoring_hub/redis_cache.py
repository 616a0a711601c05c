"""The shared cache: Redis, with the database cache standing in whenever Redis fails.

A cache is never a single point of failure. Every operation on Redis has a short socket
timeout (REDIS_TIMEOUT); the first that fails or times out opens a breaker, and for the
next `RETRY_AFTER` seconds every operation goes to the database cache instead (pages,
sessions, rate limits and version stamps keep working, slower), without touching Redis
again. After that, one operation tries Redis again.

Nothing stale may come back from either side after an outage:
- Redis may still hold a key that changed while it was away (a paused or partitioned
  Redis keeps its data): a version stamp bumped, a session ended by logging out. So the
  keys written during the outage are deleted from Redis before it is used again: each
  process remembers the keys it wrote, and the keys of entries that never expire (the
  version stamps) are also listed in the database, so that a process that bumped a
  stamp and then exited (a command, the cron) is covered too: the next process to
  return to Redis, or `run_periodic` within a minute, deletes them.
- The database cache may still hold entries from an earlier outage that Redis has
  since changed, so it is emptied when a process turns to it.

The breaker and the list of written keys belong to the cache object, which Django keeps
per thread: per worker process under gunicorn's sync workers.

Django's RedisCacheClient also builds a new `redis.Redis` for every cache operation,
and that constructor fills a table of ~170 response callbacks each time. A `redis.Redis`
is safe to share between threads (its pool hands out the connections), so one per pool
is kept and reused.
"""

import copy
import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import DatabaseError, transaction
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


# The operations that change what is stored under their keys.
WRITES = {"add", "set", "touch", "delete", "incr", "set_many", "delete_many"}
# Listed in the database: keys written during an outage that Redis must forget.
DIRTY_KEY = "redis-cache:written-during-outage"


def _failing_over(name, default=None):
    """Cache method `name`: on Redis while it answers, else on the database cache."""

    def method(self, *args, **kwargs):
        if self._available():
            try:
                return getattr(DjangoRedisCache, name)(self, *args, **kwargs)
            except REDIS_ERRORS as exc:
                self._trip(exc)
        try:
            # A savepoint: a failing cache query must not abort the request's transaction.
            with transaction.atomic():
                if name in WRITES:
                    self._written(name, args, kwargs)
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
        self._dirty = set()  # keys (as stored) this process wrote while Redis was away

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
            self._forget_fallback()
        self._down_until = time.monotonic() + self.retry_after

    def _forget_fallback(self):
        """Empty the database cache before using it: what an earlier outage left there
        may have changed on Redis since. The list of keys Redis must still forget
        stays."""
        try:
            with transaction.atomic():
                pending = self.fallback.get(DIRTY_KEY)
                self.fallback.clear()
                if pending:
                    self.fallback.set(DIRTY_KEY, pending, None)
        except DatabaseError:
            log.warning("the database cache could not be emptied", exc_info=True)

    def _written(self, name, args, kwargs):
        """Remember the keys a write during the outage touches; list those of entries
        that never expire (version stamps) in the database too."""
        if name in {"set_many", "delete_many"}:
            keys = list(args[0] if args else kwargs.get("data", kwargs.get("keys", ())))
        else:
            keys = [args[0] if args else kwargs["key"]]
        version = kwargs.get("version")
        made = {self.make_and_validate_key(key, version=version) for key in keys}
        self._dirty |= made
        timeout = kwargs.get("timeout", args[2] if name in {"add", "set"} and len(args) > 2 else 0)
        if name in {"add", "set"} and timeout is None:
            listed = set(self.fallback.get(DIRTY_KEY) or ())
            if not made <= listed:
                self.fallback.set(DIRTY_KEY, sorted(listed | made), None)

    def _available(self):
        if self._down_until is None:
            return True
        if time.monotonic() < self._down_until:
            return False
        # The breaker's time is up: Redis is back only if it answers and forgets what
        # was written while it was away.
        try:
            self.heal()
        except REDIS_ERRORS as exc:
            self._trip(exc)
            return False
        log.warning("Redis answers again: the keys written without it are deleted there")
        self._down_until = None
        return True

    def heal(self):
        """Delete from Redis every key written while it was away: those this process
        wrote, and those listed in the database by any process. Raises Redis's error if
        it does not answer. Also run by `run_periodic`, for processes that exited."""
        try:
            listed = set(self.fallback.get(DIRTY_KEY) or ())
        except DatabaseError:
            listed = set()
        keys = sorted(self._dirty | listed)
        client = self._cache.get_client(write=True)
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        self._dirty.clear()
        if listed:
            try:
                self.fallback.delete(DIRTY_KEY)
            except DatabaseError:
                log.warning("the list of keys to delete from Redis stays", exc_info=True)
        return len(keys)

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
