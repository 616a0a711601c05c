"""The admin site: organisers' workspace, for staff who signed in with two-factor.
(mentoring_hub.apps.AdminConfig makes it Django's default site.)"""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.middleware import passed_two_factor


class OrganisersAdminSite(admin.AdminSite):
    """The admin: organisers' workspace, for staff who signed in with two-factor."""

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
