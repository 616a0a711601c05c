"""The database cache's table, made by `migrate` itself.

The database cache is the shared cache when no Redis is configured and the fallback
when Redis fails (mentoring_hub/redis_cache.py), so a site deployed with `migrate` alone
must have its table: without it sign-up, log-in and the schedule pages answered 500
until `createcachetable` was also run. `createcachetable` skips tables that exist, so
running it again (as older deployment notes say) stays harmless.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("mentoring_hub", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
