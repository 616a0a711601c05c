from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from accounts import urls as account_urls
from accounts import views as account_views
from community import urls as community_urls
from events import views as event_views
from mentoring import urls as mentoring_urls
from mentoring_hub import views
from mentors import urls as mentors_urls

# The admin's own login page would bypass allauth's rate limits and two-factor step.
admin.site.login = secure_admin_login(admin.site.login)

handler500 = "mentoring_hub.views.server_error"

# /me/: the member's page, and what changes their private calendar address, beside the
# account's own pages, in one namespace. The first two show or change what other apps
# hold, so they are added here, above the apps, rather than in accounts.urls.
me_urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    *account_urls.urlpatterns,
    path("feed/regenerate", event_views.regenerate_feed, name="regenerate_feed"),
]

# Mentoring and community pages began in the mentors app: their URL names stay in the
# `mentors` namespace, so every template, email and bookmark keeps working.
people = [*mentors_urls.urlpatterns, *mentoring_urls.urlpatterns, *community_urls.urlpatterns]


def moved_admin(app, models):
    """Organisers' bookmarks of admin pages whose models moved to another app."""
    return re_path(
        rf"^admin/mentors/(?P<model>{'|'.join(models)})/(?P<rest>.*)$",
        RedirectView.as_view(
            url=f"/admin/{app}/%(model)s/%(rest)s", permanent=True, query_string=True
        ),
    )


urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("events/", include("events.urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", include((me_urlpatterns, "me"))),
    path("", include((people, "mentors"))),
    path("unsubscribe/<str:token>/", account_views.unsubscribe, name="unsubscribe"),
    path("terms/", account_views.terms, name="terms"),
    path("privacy/", account_views.privacy, name="privacy"),
    moved_admin(
        "mentoring",
        [
            "mentorshiprequest",
            "mentorship",
            "waitinglistentry",
            "mentoringgroup",
            "groupmembership",
        ],
    ),
    moved_admin("community", ["thankyou", "story", "nomination", "mentorofthemonth", "guide"]),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(re_path(rf"^{media_prefix}/(?P<path>.+)$", views.media, name="media"))

if settings.BENCH_ENDPOINTS:
    urlpatterns.append(path("bench/ok", views.bench_ok, name="bench-ok"))
    urlpatterns.append(path("bench/bytes/<int:size>", views.bench_bytes, name="bench-bytes"))
