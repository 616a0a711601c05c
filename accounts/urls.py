from django.urls import path

from accounts import views

app_name = "me"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("emails/", views.email_preferences, name="emails"),
    path("feed/regenerate", views.regenerate_feed, name="regenerate_feed"),
]
