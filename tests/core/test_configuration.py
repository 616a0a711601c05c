"""The settings contract: each malformed variable is one line and a non-zero exit."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-production-secret-key-" + "x7Q!" * 12,
    "ALLOWED_HOSTS": "mentoring.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://mentoring.example.org",
    "SITE_URL": "https://mentoring.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}
OUR_VARIABLES = {
    *PRODUCTION,
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "TIME_ZONE",
    "DJANGO_SETTINGS_MODULE",
    "TRUST_X_FORWARDED_PROTO",
    "CONN_MAX_AGE",
}


def run(args, **variables):
    env = {k: v for k, v in os.environ.items() if k not in OUR_VARIABLES}
    env.update(variables)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe': use true or false"),
        ({"DEBUG": "0", "SECRET_KEY": ""}, "SECRET_KEY is required when DEBUG is off"),
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:abc/hub"}, "DATABASE_URL: not a valid"),
        ({"DATABASE_URL": "mongodb://127.0.0.1/hub"}, "DATABASE_URL: unknown database scheme"),
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/"}, "DATABASE_URL: the URL names no"),
        ({"SECURE_HSTS_SECONDS": "a year"}, "SECURE_HSTS_SECONDS='a year': must be a whole"),
        ({"EMAIL_URL": "pigeon://loft"}, "EMAIL_URL: not a valid email URL"),
        ({"EMAIL_URL": "smtp://mail.example.org:twenty"}, "EMAIL_URL: not a valid email URL"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL='http://127.0.0.1:6379': use redis"),
        ({"TIME_ZONE": "Mars/Olympus_Mons"}, "TIME_ZONE='Mars/Olympus_Mons': not an IANA"),
        ({"CSRF_TRUSTED_ORIGINS": "example.org"}, "CSRF_TRUSTED_ORIGINS: 'example.org' must be"),
        ({"TRUST_X_FORWARDED_PROTO": "sure"}, "TRUST_X_FORWARDED_PROTO='sure'"),
    ],
)
@pytest.mark.parametrize("entry", [["manage.py", "check"], ["-c", "import mentoring_hub.wsgi"]])
def test_malformed_variable_is_one_line_and_exit_2(variables, message, entry):
    base = {"DEBUG": "1"} if "SECRET_KEY" not in variables else {}
    result = run(entry, **{**base, **variables})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {message}")
    assert "Traceback" not in result.stderr


def test_asgi_entry_reports_configuration_error_too():
    result = run(["-c", "import mentoring_hub.asgi"], DEBUG="perhaps")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Configuration error: DEBUG='perhaps': use true or false (1 or 0)"
    )


def test_check_deploy_is_clean_with_production_variables():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_without_tls_settings():
    insecure = {**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **insecure)
    assert result.returncode != 0
    assert "security.W008" in result.stderr
    assert "security.W004" in result.stderr


def test_debug_without_secret_key_uses_a_development_key():
    result = run(["manage.py", "check"], DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_database_url_gives_persistent_checked_postgres_connections():
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'],"
        " d['OPTIONS']['connect_timeout'])"
    )
    result = run(
        ["-c", f"import mentoring_hub.boot as b; b.load_settings_or_exit(); {code}"],
        DEBUG="1",
        DATABASE_URL="postgres://postgres@db.internal:5432/hub",
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "hub", "600", "True", "5"]


def test_redis_url_shares_the_cache_and_database_cache_otherwise():
    code = (
        "import mentoring_hub.boot as b; b.load_settings_or_exit();"
        "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    )
    with_redis = run(["-c", code], DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/3")
    without = run(["-c", code], DEBUG="1")
    assert with_redis.stdout.strip() == "mentoring_hub.redis_cache.RedisCache"
    assert without.stdout.strip() == "django.core.cache.backends.db.DatabaseCache"


def test_email_url_configures_smtp_with_tls():
    code = (
        "import mentoring_hub.boot as b; b.load_settings_or_exit();"
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER)"
    )
    result = run(
        ["-c", code], DEBUG="1", EMAIL_URL="smtp://hub:secret@mail.example.org:587/?tls=True"
    )
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "587",
        "True",
        "hub",
    ]


def test_the_redis_cache_reuses_one_client_and_still_shares_values():
    import redis

    from mentoring_hub.redis_cache import RedisCache

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/7").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    first = RedisCache("redis://127.0.0.1:6379/7", {"KEY_PREFIX": "reuse-test"})
    second = RedisCache("redis://127.0.0.1:6379/7", {"KEY_PREFIX": "reuse-test"})
    first.set("k", "v", 30)
    assert second.get("k") == "v"  # another process's view of the same Redis
    client = first._cache.get_client(write=False)
    assert first._cache.get_client(write=False) is client  # built once, reused
    first.delete("k")
