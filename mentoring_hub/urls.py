from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from accounts import views as account_views
from mentoring_hub import views

# The admin's own login page would bypass allauth's rate limits and two-factor step.
admin.site.login = secure_admin_login(admin.site.login)

handler500 = "mentoring_hub.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("events/", include("events.urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("", include("mentors.urls")),
    path("unsubscribe/<str:token>/", account_views.unsubscribe, name="unsubscribe"),
    path("terms/", account_views.terms, name="terms"),
    path("privacy/", account_views.privacy, name="privacy"),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(re_path(rf"^{media_prefix}/(?P<path>.+)$", views.media, name="media"))

if settings.BENCH_ENDPOINTS:
    urlpatterns.append(path("bench/ok", views.bench_ok, name="bench-ok"))
    urlpatterns.append(path("bench/bytes/<int:size>", views.bench_bytes, name="bench-bytes"))
