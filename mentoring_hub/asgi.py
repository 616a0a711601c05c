"""ASGI entry point."""

from mentoring_hub.boot import load_settings_or_exit

load_settings_or_exit()

from django.core.asgi import get_asgi_application  # noqa: E402 -- settings are checked first

application = get_asgi_application()
