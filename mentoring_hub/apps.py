from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MentoringHubConfig(AppConfig):
    default = True  # this module also defines the admin's config below
    name = "mentoring_hub"
    verbose_name = "Mentoring Hub"


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin on our AdminSite (two-factor required for staff)."""

    default = False
    default_site = "mentoring_hub.admin.AdminSite"
