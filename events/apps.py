from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from accounts import personal_data
        from accounts.organisers import ORGANISER_PERMISSIONS
        from events import (
            cache,
            notices,
            periodic,  # noqa: F401 -- registers notices, reminders, digests
        )
        from events.models import session_changed
        from events.personal_data import export_events, release_places

        session_changed.connect(
            notices.on_session_changed, dispatch_uid="events.notices.on_session_changed"
        )
        personal_data.EXPORTERS.append(export_events)
        personal_data.BEFORE_DELETE.append(release_places)

        ORGANISER_PERMISSIONS["events"] = {
            "campaign": ("add", "change", "delete", "view"),
            "host": ("add", "change", "delete", "view"),
            "event": ("add", "change", "delete", "view"),
            "joinoption": ("add", "change", "delete", "view"),
            "registration": ("change", "view"),
            "proposal": ("change", "view"),
            "changenotice": ("view",),  # what registered people were told, and when
        }
        # Bulk deletes (admin "delete selected") skip Model.delete(); the signal does not.
        for name in ("Campaign", "Host", "Event", "JoinOption"):
            post_delete.connect(
                lambda **kwargs: cache.bump(),
                sender=f"events.{name}",
                weak=False,
                dispatch_uid=f"events.bump_on_delete.{name}",
            )
