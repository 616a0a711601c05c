"""Strict readers for the environment variables the settings module uses.

Each helper raises ``ImproperlyConfigured`` with a one-line message that names the
variable and says what it accepts, so a typo in production fails at start-up with a
sentence rather than a traceback or, worse, a silently different configuration.
URL parsing is done by libraries (dj-database-url, django-environ); these wrappers only
make them strict and name the variable in the error.
"""

import os
import zoneinfo
from urllib.parse import urlsplit

import dj_database_url
import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_str(name, default=""):
    return os.environ.get(name, default).strip() or default


def env_bool(name, default=False):
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: use true or false (1 or 0)")


def env_int(name, default=0, minimum=0):
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: must be a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r}: must be at least {minimum}")
    return value


def env_list(name, default=()):
    """A comma-separated list; blanks are dropped."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is required when DEBUG is off")
    return value


def env_time_zone(name, default="UTC"):
    value = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={value!r}: not an IANA time zone (for example Europe/London)"
        ) from None
    return value


def env_origins(name):
    """CSRF_TRUSTED_ORIGINS: each entry must carry its scheme, as Django requires."""
    origins = env_list(name)
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ImproperlyConfigured(
                f"{name}: {origin!r} must be a full origin such as https://example.org"
            )
    return origins


def env_site_url(name, default):
    value = env_str(name, default).rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"{name}={value!r}: must be like https://example.org")
    return value


def database_from_url(name, url, conn_max_age=600):
    """Parse a database URL with dj-database-url, refusing what would fail later."""
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except dj_database_url.UnknownSchemeError:
        scheme = url.split(":", 1)[0]
        raise ImproperlyConfigured(
            f"{name}: unknown database scheme {scheme!r} (use postgres:// or sqlite://)"
        ) from None
    except ValueError:
        # dj-database-url raises ValueError (or its ParseError subclass) for a bad port.
        raise ImproperlyConfigured(
            f"{name}: not a valid database URL (check the port is a number)"
        ) from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}: the URL names no database (add /dbname)")
    if config["ENGINE"] == "django.db.backends.postgresql":
        # A dead database should fail a health check in seconds, not hang a worker.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    elif config["ENGINE"] == "django.db.backends.sqlite3":
        config.update(CONN_MAX_AGE=0, OPTIONS=sqlite_options())
    return config


def sqlite_options():
    # SQLite ignores select_for_update(); IMMEDIATE makes each atomic block take the
    # write lock at BEGIN, so read-then-write rules (seats, capacity) stay safe.
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 5,
        "init_command": "PRAGMA journal_mode=WAL;",
    }


def email_from_url(name, url):
    """Django email settings from an EMAIL_URL such as smtp://user:pass@host:587/?tls=True."""
    try:
        config = environ.Env.email_url_config(url)
    except (ImproperlyConfigured, ValueError):
        raise ImproperlyConfigured(
            f"{name}: not a valid email URL (use smtp://user:password@host:587/?tls=True, "
            "smtps://... or consolemail://)"
        ) from None
    options = config.pop("OPTIONS", {})
    for key, value in options.items():
        flag = str(value).strip().lower()
        if key.upper() in {"TLS", "SSL"}:
            if flag not in TRUE_WORDS | FALSE_WORDS:
                raise ImproperlyConfigured(f"{name}: {key}={value!r} must be true or false")
            config[f"EMAIL_USE_{key.upper()}"] = flag in TRUE_WORDS
    return config


def redis_url(name):
    url = env_str(name)
    if url and urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"{name}={url!r}: use redis://host:6379/0 or rediss://...")
    return url
