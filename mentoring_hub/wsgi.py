"""WSGI entry point (gunicorn mentoring_hub.wsgi)."""

from mentoring_hub.boot import load_settings_or_exit

load_settings_or_exit()

from django.core.wsgi import get_wsgi_application  # noqa: E402 -- settings are checked first

application = get_wsgi_application()
