"""Settings for Mentoring Hub: one module, driven by environment variables.

Every variable read here is listed, with its default, in the README's configuration
table. Defaults are safe: DEBUG is off, and with DEBUG off a SECRET_KEY is required.
SQLite under var/ is the default database so a fresh checkout runs with nothing set.
"""

from pathlib import Path

from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mentoring_hub.env import (
    database_from_url,
    email_from_url,
    env_bool,
    env_int,
    env_list,
    env_origins,
    env_site_url,
    env_str,
    env_time_zone,
    redis_url,
    required,
    sqlite_options,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY") or (
    "django-insecure-development-only-key-never-used-in-production"
    if DEBUG
    else required("SECRET_KEY")
)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_site_url("SITE_URL", "http://127.0.0.1:8000")
SITE_NAME = env_str("SITE_NAME", "Mentoring Hub")

INSTALLED_APPS = [
    "mentoring_hub.apps.AdminConfig",  # the admin, with two-factor required for staff
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "mentoring_hub",
    "accounts",
    "events",
    "mentors",
    "mentoring",
    "community",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Every response, stored pages included, carries the Content-Security-Policy.
    "csp.middleware.CSPMiddleware",
    "mentoring_hub.admin.AdminStylesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors' public pages come from the shared cache, before sessions load.
    "mentoring_hub.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mentoring_hub.urls"
WSGI_APPLICATION = "mentoring_hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentoring_hub.context_processors.site",
            ],
        },
    },
    # The schedule's public pages and the header and footer every page shares: see
    # mentoring_hub/jinja2.py for why. Views name this engine (`using="jinja2"`).
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "mentoring_hub.jinja2.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentoring_hub.context_processors.site",
            ],
        },
    },
]

# Database: SQLite under var/ by default ("check out and it works"); PostgreSQL in
# production through DATABASE_URL, with persistent connections and health checks.
if database_url := env_str("DATABASE_URL"):
    DATABASES = {
        "default": database_from_url(
            "DATABASE_URL", database_url, conn_max_age=env_int("CONN_MAX_AGE", 600)
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "db.sqlite3",
            "OPTIONS": sqlite_options(),
        }
    }
# Each request is one transaction: if the database goes away halfway (or anything
# fails), nothing of it stays, and the 503 page's "nothing you sent was saved" is true.
# Work that must outlive a failed request runs after commit (mail, tasks).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts: django-allauth, email and password only, verified email required.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
# New members are asked to set up a profile once; the page sends everyone else on to /me/.
LOGIN_REDIRECT_URL = "mentors:onboarding"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https:") else "http"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
# allauth counts attempts in the default cache, shared by every worker and host.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
ORGANISERS_GROUP = "Organisers"
# The version of the terms and privacy notice; sign-up records the one accepted.
TERMS_VERSION = "2026-11"
# A mentoring request nobody answers closes after this many days (run_periodic).
MENTORING_REQUEST_DAYS = env_int("MENTORING_REQUEST_DAYS", 14, minimum=1)

# Background work: Django's tasks API (django-tasks) on the database, run by
# `manage.py db_worker` on any host. TASKS_BACKEND=immediate runs tasks inside the
# web process instead (make run does, so one process is all a newcomer needs).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND not in {"database", "immediate"}:
    raise ImproperlyConfigured(f"TASKS_BACKEND={TASKS_BACKEND!r}: use database or immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
    }
}
# A task still RUNNING this many seconds after a worker took it is taken to have died
# with its worker (killed, host lost) and is made READY again by run_periodic. Longer
# than any task runs: each must also be safe to run twice.
TASK_LEASE = env_int("TASK_LEASE", 900, minimum=60)

# Caches, sessions and rate limits are shared by every worker and host: Redis when
# REDIS_URL is set, otherwise the database cache. Never a per-process cache. The
# database cache ("database", its table made by `migrate`) also stands in for Redis
# while Redis fails (mentoring_hub/redis_cache.py): a cache is never a single point of
# failure, and REDIS_TIMEOUT bounds how long a hung Redis can hold a request.
REDIS_URL = redis_url("REDIS_URL")
REDIS_TIMEOUT = env_int("REDIS_TIMEOUT_MS", 500, minimum=1) / 1000
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "mh")
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "django_cache",
    "KEY_PREFIX": CACHE_KEY_PREFIX,
    "TIMEOUT": 3600,
}
CACHES = {"default": DATABASE_CACHE, "database": dict(DATABASE_CACHE)}
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "mentoring_hub.redis_cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "TIMEOUT": 3600,
        "FALLBACK": "database",
        "RETRY_AFTER": env_int("REDIS_RETRY_AFTER", 5, minimum=1),
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Public pages for anonymous visitors are stored in the shared cache, keyed on the
# version stamp of what they show (the schedule's or the mentors'; mentoring_hub/cache.py).
# Off only to measure the uncached path.
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", default=True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: strings are marked for translation; English ships. Dates and
# times follow the visitor's locale (US or British English formats).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English (US)")), ("en-gb", _("English (UK)"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_time_zone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static files ship with the project (no CDN) and are served by WhiteNoise with
# hashed, compressed names.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Serve uploads from the app (with safe headers) unless a proxy or object store does.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# Email: console by default, SMTP (or any scheme django-environ knows) via EMAIL_URL.
if email_url := env_str("EMAIL_URL"):
    globals().update(email_from_url("EMAIL_URL", email_url))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mentoring Hub <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10
# Mail the server cannot take now (down, 4xx) is retried with backoff for this many
# seconds from the first attempt, then marked undeliverable (mentoring_hub/mail.py).
MAIL_RETRY_FOR = env_int("MAIL_RETRY_FOR", 86400, minimum=60)

# TLS, usually terminated by a proxy in front of gunicorn.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
# A proxy's plain-HTTP health check must not be redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TLS = SECURE_SSL_REDIRECT or SECURE_HSTS_SECONDS > 0
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp 4): scripts and styles from our own origin only,
# never inline; images also as data: URLs (the two-factor QR code); no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Logging: everything to stdout, where the process manager collects it. Paths and
# messages pass through a filter that masks tokens and keys in URLs.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_secrets": {"()": "mentoring_hub.log.MaskSecretsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["mask_secrets"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
    },
}

# Host names a URL import may fetch from even if they resolve to a non-public address
# (tests import from their own loopback server). Empty in production.
FETCH_ALLOWED_HOSTS = env_list("FETCH_ALLOWED_HOSTS")

# Endpoints used only by bench/ (a trivial view as the baseline in the same run).
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", default=False)
