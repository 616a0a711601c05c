"""`manage.py migrate` alone, the usual deployment step, gives a working site: no
`createcachetable`, on SQLite without Redis and on a new PostgreSQL database."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

VISIT = """
import django
django.setup()
from django.test import Client
c = Client()
answers = [
    c.get("/").status_code,
    c.get("/events/").status_code,
    c.get("/accounts/signup/").status_code,
    c.post("/accounts/login/", {"login": "nobody@example.org", "password": "x"}).status_code,
    c.get("/healthz").status_code,
]
print(*answers)
"""


def migrate_then_visit(database_url):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring_hub.settings_test",
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
    }
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300}
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], **run)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    visit = subprocess.run([sys.executable, "-c", VISIT], **run)
    assert visit.returncode == 0, visit.stderr[-2000:]
    return visit.stdout.split()


def test_migrate_alone_gives_a_working_site_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert migrate_then_visit(url) == ["200", "200", "200", "200", "200"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_migrate_alone_gives_a_working_site_on_postgresql():
    settings = connection.settings_dict
    name = f"mh_deploy_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"
        assert migrate_then_visit(url) == ["200", "200", "200", "200", "200"]
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
