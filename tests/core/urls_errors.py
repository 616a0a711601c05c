"""The site's URLs plus views that fail, to render the error pages without DEBUG."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from mentoring_hub.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("database password is hunter2-secret")


def suspicious(request):
    raise SuspiciousOperation("tampered-signature-abc")


def forbidden(request):
    raise PermissionDenied("internal-reason-xyz")


urlpatterns = [
    *site_urlpatterns,
    path("boom", boom),
    path("suspicious", suspicious),
    path("forbidden", forbidden),
]
