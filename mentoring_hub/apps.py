from django.apps import AppConfig


class MentoringHubConfig(AppConfig):
    name = "mentoring_hub"
    verbose_name = "Mentoring Hub"
