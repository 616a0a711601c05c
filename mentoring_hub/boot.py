"""Start-up shared by manage.py, wsgi.py and asgi.py.

A bad environment variable is a one-line message and a non-zero exit, never a
traceback: the settings module raises ImproperlyConfigured naming the variable.
"""

import os
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

EXIT_CONFIGURATION_ERROR = 2


def load_settings_or_exit():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring_hub.settings")
    try:
        settings.INSTALLED_APPS  # noqa: B018 -- the attribute access imports the settings
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(EXIT_CONFIGURATION_ERROR)
