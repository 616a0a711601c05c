"""Logging that never writes a secret carried in a URL.

Feed tokens, email confirmation keys, password reset keys and signed unsubscribe
tokens travel in paths; passwords and passcodes could travel in a query string by
mistake. Request errors are logged with the path, so both are masked here, once, for
Django's loggers and gunicorn's access log alike. The directory's special-category
filters are masked the same way: a search for a race or EFMP status is personal data.
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

MASK = "********"

# Path segments that are secrets, each after the fixed prefix that announces it.
_SECRET_PATHS = re.compile(
    r"(?P<prefix>/events/feed/"
    r"|/accounts/confirm-email/"
    r"|/accounts/password/reset/key/"
    r"|/unsubscribe/"
    r"|/me/unsubscribe/)"
    r"(?P<secret>[^/?#\s.\"']+)"
)
# Query parameters whose values are secrets, and the directory's special-category
# filters (mentors.sensitive.Kind): what someone searched for says what they are.
_SECRET_PARAMS = re.compile(
    r"(?P<prefix>[?&](?:token|key|password|passcode|secret|signature|code"
    r"|efmp|race|ethnicity|gender)=)(?P<secret>[^&#\s\"']*)",
    re.IGNORECASE,
)


def mask_secrets(text):
    """Return text with URL-borne secrets replaced by a fixed mask."""
    text = _SECRET_PATHS.sub(lambda m: m["prefix"] + MASK, text)
    return _SECRET_PARAMS.sub(lambda m: m["prefix"] + MASK, text)


class MaskSecretsFilter(logging.Filter):
    """Masks secrets in the formatted message of every record it sees."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class MaskedGunicornLogger(GunicornLogger):
    """Gunicorn's access log with the same masking applied to the request line."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if not isinstance(value, str):
                continue
            if key in {"q", "{query_string}e"}:  # a query string without its "?"
                atoms[key] = mask_secrets("?" + value)[1:]
            else:  # request line, path, referer, raw URI, headers
                atoms[key] = mask_secrets(value)
        return atoms
