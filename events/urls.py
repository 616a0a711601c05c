from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("calendar/", views.calendar, name="calendar"),
    path("propose/", views.propose, name="propose"),
    path("propose/<int:pk>/", views.propose, name="edit_proposal"),
    path("calendar/<int:year>/<int:month>/", views.calendar, name="calendar_month"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/register", views.register, name="register"),
]
