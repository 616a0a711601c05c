"""gunicorn settings for `make serve` and production (gunicorn -c gunicorn.conf.py)."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = 30
# ACCESS_LOG=0 turns the access log off (the bench does, to measure the app, not the log).
accesslog = None if os.environ.get("ACCESS_LOG", "1").lower() in {"0", "false"} else "-"
errorlog = "-"
# The access log masks feed tokens and confirmation keys in paths.
logger_class = "mentoring_hub.log.MaskedGunicornLogger"
# Only the proxy in front of gunicorn may set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Move everything loaded at start-up (Django, the project, its libraries: ~140,000
    objects) out of the garbage collector's sight: they live as long as the worker, and
    scanning them in the collections a request triggers was a measurable part of each
    request (bench/RESULTS.md)."""
    import gc

    gc.freeze()
