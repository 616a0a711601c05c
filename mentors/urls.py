"""Mentors' pages: the directory, suggestions, profiles, safety (report, block).

Their URL names form the `mentors` namespace together with those of `mentoring` and
`community`, which began in this app (mentoring_hub/urls.py puts them together), so
every name templates and emails use stayed as it was when those apps split off.
"""

from django.urls import path

from mentors import views

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
