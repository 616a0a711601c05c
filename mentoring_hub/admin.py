from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from csp.constants import UNSAFE_INLINE
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.middleware import passed_two_factor


class AdminSite(admin.AdminSite):
    site_header = _("Mentoring Hub organisers")
    site_title = _("Mentoring Hub admin")
    index_title = _("Run the campaign")

    def has_permission(self, request):
        """Staff, and signed in with two-factor in this session (see the middleware,
        which sends staff without it to set it up)."""
        user = request.user
        return (
            super().has_permission(request)
            and is_mfa_enabled(user, [Authenticator.Type.TOTP])
            and passed_two_factor(request, user)
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only their own flow writes: organisers look, and act through actions."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AdminStylesMiddleware:
    """Django's admin writes a few inline styles (style attributes set by its pages and
    scripts), so under /admin/ the Content-Security-Policy also allows inline styles.
    Scripts stay 'self' only, everywhere. Sits after csp.middleware.CSPMiddleware, so
    its mark is on the response when that middleware writes the header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/admin/"):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response
