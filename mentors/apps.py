from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


def delete_photo_files(sender, instance, **kwargs):
    instance.delete_photo_files()


class MentorsConfig(AppConfig):
    name = "mentors"
    verbose_name = _("Mentors")

    def ready(self):
        from accounts.organisers import ORGANISER_PERMISSIONS
        from accounts.personal_data import EXPORTERS
        from mentors.export import export_mentoring

        # Special-category attributes and consent records are deliberately absent:
        # organisers see those only as suppressed counts.
        ORGANISER_PERMISSIONS["mentors"] = {
            "careerfield": ("add", "change", "delete", "view"),
            "organisation": ("add", "change", "delete", "view"),
            "topic": ("add", "change", "delete", "view"),
            "language": ("add", "change", "delete", "view"),
            "profile": ("change", "view"),
            "report": ("change", "view"),
        }
        EXPORTERS.append(export_mentoring)
        # Cascades (account deletion) and bulk deletes skip Model.delete().
        post_delete.connect(
            delete_photo_files, sender="mentors.Profile", dispatch_uid="mentors.photo_files"
        )
