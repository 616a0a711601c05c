from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MentoringHubConfig(AppConfig):
    default = True  # this module also defines the admin's config below
    name = "mentoring_hub"
    verbose_name = "Mentoring Hub"

    def ready(self):
        from django.contrib import admin

        from accounts.organisers import ORGANISER_PERMISSIONS
        from accounts.personal_data import BEFORE_DELETE
        from mentoring_hub import mail
        from mentoring_hub.admin import OutgoingEmailAdmin
        from mentoring_hub.models import OutgoingEmail

        admin.site.register(OutgoingEmail, OutgoingEmailAdmin)

        # Organisers see whether mail went out (the outbox's envelope, never its content)
        # and may queue an undeliverable message again; nobody edits the outbox by hand.
        ORGANISER_PERMISSIONS["mentoring_hub"] = {"outgoingemail": ("change", "view")}
        # A deleted account leaves nothing addressed to it in the outbox.
        BEFORE_DELETE.append(mail.forget)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin on our AdminSite (two-factor required for staff)."""

    default = False
    default_site = "accounts.admin_site.OrganisersAdminSite"
