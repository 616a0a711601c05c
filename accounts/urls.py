from django.urls import path

from accounts import views

app_name = "me"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("emails/", views.email_preferences, name="emails"),
    path("data.json", views.export_data, name="export"),
    path("delete/", views.delete_account, name="delete"),
    path("feed/regenerate", views.regenerate_feed, name="regenerate_feed"),
]
