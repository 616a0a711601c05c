from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path

from mentoring_hub import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(re_path(rf"^{media_prefix}/(?P<path>.+)$", views.media, name="media"))

if settings.BENCH_ENDPOINTS:
    urlpatterns.append(path("bench/ok", views.bench_ok, name="bench-ok"))
