from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from accounts.organisers import ORGANISER_PERMISSIONS

        # Moderate what members offer, pick Mentors of the Month, write guides.
        # Private thank-you notes never reach the admin.
        ORGANISER_PERMISSIONS["community"] = {
            "thankyou": ("change", "view"),
            "story": ("change", "delete", "view"),
            "nomination": ("change", "view"),
            "mentorofthemonth": ("add", "change", "delete", "view"),
            "guide": ("add", "change", "delete", "view"),
        }
