"""The account's own pages. mentoring_hub.urls mounts them at /me/, in the `me` namespace
beside the member's page, which shows what every app holds for the member."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("emails/", views.email_preferences, name="emails"),
    path("data.json", views.export_data, name="export"),
    path("delete/", views.delete_account, name="delete"),
]
