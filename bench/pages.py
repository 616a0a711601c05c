"""The pages bench/run.py measures, each with an optional setup that loads its data.

A setup receives the bench's environment (DATABASE_URL and friends) and runs before
gunicorn starts; it must be idempotent, since the bench database is kept between runs.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    setup: Callable[[dict], None] | None = None


PAGES = [
    Page("healthz", "/healthz"),
    Page("home", "/"),
]
