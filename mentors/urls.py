from django.urls import path

from mentors import views

app_name = "mentors"
urlpatterns = [
    path("mentors/", views.directory, name="directory"),
    path("mentors/suggestions/", views.suggestions, name="suggestions"),
    path("mentors/<int:pk>/", views.profile, name="profile"),
    path("mentors/<int:pk>/report", views.report, name="report"),
    path("mentors/<int:pk>/block", views.block, name="block"),
    path("me/welcome/", views.onboarding, name="onboarding"),
    path("me/profile/", views.edit_profile, name="edit_profile"),
    path("me/profile/sensitive/", views.edit_sensitive, name="edit_sensitive"),
    path("me/blocked/", views.blocked_list, name="blocked"),
    path("me/blocked/<int:block_id>/unblock", views.unblock, name="unblock"),
]
