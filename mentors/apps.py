from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

# Anything that can change a suggestion or the directory.
MATRIX_MODELS = ("Profile", "Topic", "Language", "CareerField", "Organisation", "MatchingSettings")


def delete_photo_files(sender, instance, **kwargs):
    instance.delete_photo_files()


class MentorsConfig(AppConfig):
    name = "mentors"
    verbose_name = _("Mentors")

    def ready(self):
        self.register_with_accounts()
        self.connect_photo_cleanup()
        self.connect_matrix_changes()
        from mentors import periodic, rounds  # noqa: F401 (they register their jobs and task)

    def register_with_accounts(self):
        from accounts.organisers import ORGANISER_PERMISSIONS
        from accounts.personal_data import EXPORTERS
        from mentors.export import export_own_data

        # Special-category attributes and consent records are deliberately absent:
        # organisers see those only as suppressed counts.
        ORGANISER_PERMISSIONS["mentors"] = {
            "careerfield": ("add", "change", "delete", "view"),
            "organisation": ("add", "change", "delete", "view"),
            "topic": ("add", "change", "delete", "view"),
            "language": ("add", "change", "delete", "view"),
            "profile": ("change", "view"),
            "report": ("change", "view"),
            "matchingsettings": ("change", "view"),
            "matchinground": ("add", "change", "delete", "view"),
            "roundpair": ("view",),
            "roundrule": ("add", "change", "delete", "view"),
        }
        EXPORTERS.append(export_own_data)

    def connect_photo_cleanup(self):
        # Cascades (account deletion) and bulk deletes skip Model.delete().
        post_delete.connect(
            delete_photo_files, sender="mentors.Profile", dispatch_uid="mentors.photo_files"
        )

    def connect_matrix_changes(self):
        """Every process rebuilds its suggestion arrays, and the directory's stored
        pages retire, when anything they are made of changes."""
        from mentors import suggest

        for model in MATRIX_MODELS:
            for signal in (post_save, post_delete):
                signal.connect(
                    suggest.matrix_changed,
                    sender=f"mentors.{model}",
                    weak=False,
                    dispatch_uid=f"mentors.matrix.{signal is post_save}.{model}",
                )
        post_save.connect(
            suggest.account_changed,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="mentors.accounts",
        )
        profile = self.get_model("Profile")
        for through in (profile.expertise.through, profile.languages.through):
            m2m_changed.connect(
                suggest.matrix_changed,
                sender=through,
                weak=False,
                dispatch_uid=f"mentors.matrix.{through}",
            )
