"""Fetch a document from a URL someone typed, without letting it reach inside our network.

Only http and https; every address the host name resolves to must be a public one
(not loopback, private, link-local, multicast or reserved), checked again on every
redirect; a timeout and a size cap. settings.FETCH_ALLOWED_HOSTS lists host names
allowed anyway (tests fetch from their own loopback server).
"""

import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT = 10
MAX_REDIRECTS = 5


class FetchError(ValueError):
    """The URL was refused or could not be fetched; the message is for a person."""


def check_url(url):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(_("Only http:// and https:// addresses can be imported."))
    host = parts.hostname
    if host in settings.FETCH_ALLOWED_HOSTS:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError):
        raise FetchError(_("The host %(host)s could not be found.") % {"host": host}) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise FetchError(
                _("%(host)s is not a public address; it cannot be imported from.") % {"host": host}
            )


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl)  # a public page may not redirect us inside the network
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url, max_bytes):
    """The body at `url` (bytes), or FetchError."""
    check_url(url)
    opener = urllib.request.build_opener(_CheckedRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "MentoringHub-import/1"})  # noqa: S310 -- scheme checked
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            body = response.read(max_bytes + 1)
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(_("The server answered %(code)s.") % {"code": exc.code}) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise FetchError(
            _("The address could not be fetched (%(reason)s).")
            % {"reason": getattr(exc, "reason", exc)}
        ) from None
    if len(body) > max_bytes:
        raise FetchError(
            _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}
        )
    return body
