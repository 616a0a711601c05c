"""Community pages. Their URL names stay in the `mentors` namespace, where they began
(see mentoring_hub/urls.py)."""

from django.urls import path

from community import views

urlpatterns = [
    path("thanks/", views.thanks_wall, name="thanks"),
    path("thanks/new/", views.thank, name="thank"),
    path("stories/new/", views.share_story, name="share_story"),
    path("stories/<int:pk>/", views.story, name="story"),
    path("stories/<int:pk>/card.png", views.story_card, name="story_card"),
    path("mentor-of-the-month/", views.mentor_of_the_month, name="mentor_of_the_month"),
    path(
        "mentor-of-the-month/<int:year>/<int:month>/",
        views.mentor_of_the_month_detail,
        name="mentor_of_the_month_detail",
    ),
    path(
        "mentor-of-the-month/<int:year>/<int:month>/card.png",
        views.mentor_of_the_month_card,
        name="mentor_of_the_month_card",
    ),
    path("mentors/<int:pk>/nominate", views.nominate, name="nominate"),
    path("guides/", views.guides, name="guides"),
    path("guides/<slug:slug>/", views.guide, name="guide"),
]
