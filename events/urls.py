from django.urls import path

from events import feeds, views

app_name = "events"
urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("feed.ics", feeds.feed_ics, name="feed"),
    path("feed.json", feeds.feed_json, name="feed_json"),
    path("feed/<str:token>.ics", feeds.personal_feed, name="personal_feed"),
    path("calendar/", views.calendar, name="calendar"),
    path("propose/", views.propose, name="propose"),
    path("propose/<int:pk>/", views.propose, name="edit_proposal"),
    path("calendar/<int:year>/<int:month>/", views.calendar, name="calendar_month"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/register", views.register, name="register"),
    path("<slug:slug>/join", feeds.join, name="join"),
    path("<slug:slug>/card.png", views.card, name="card"),
    path("<slug:slug>.ics", feeds.event_ics, name="ics"),
]
