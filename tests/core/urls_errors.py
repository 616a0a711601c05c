"""The site's URLs plus views that fail, to render the error pages without DEBUG."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.urls import path

from mentoring_hub.models import PeriodicRun
from mentoring_hub.urls import handler500  # noqa: F401 -- the site's, as the URLconf's
from mentoring_hub.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("database password is hunter2-secret")


def half_write(request):
    """Writes a row, then loses the database, as a request would halfway through."""
    PeriodicRun.objects.create(job="half-written", slot=1)
    raise OperationalError("server closed the connection unexpectedly")


def suspicious(request):
    raise SuspiciousOperation("tampered-signature-abc")


def forbidden(request):
    raise PermissionDenied("internal-reason-xyz")


urlpatterns = [
    *site_urlpatterns,
    path("boom", boom),
    path("suspicious", suspicious),
    path("half-write", half_write),
    path("forbidden", forbidden),
]
