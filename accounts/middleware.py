from functools import partial
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.middleware import get_user
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject


def passed_two_factor(request, user):
    """Whether this session's sign-in used the user's second factor."""
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


def marked_user(request):
    """The request's user; staff whose session lacks the second factor marked
    `without_second_factor`, so accounts.organisers.acts_as_organiser refuses them."""
    user = get_user(request)  # Django's own lazy lookup, cached on the request
    if user.is_authenticated and user.is_staff and not passed_two_factor(request, user):
        user.without_second_factor = True
    return user


class StaffTwoFactorMiddleware:
    """Staff cannot use the admin until they have set up two-factor sign-in and used it
    in this session. The admin site's has_permission says the same (defence in depth).
    Anywhere else such staff are ordinary members (marked_user)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request):
        # Still lazy: a request that never looks at its user reads no session for it.
        request.user = SimpleLazyObject(partial(marked_user, request))
        user = request.user
        if request.path.startswith(self.admin_prefix) and user.is_authenticated and user.is_staff:
            if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
            if not passed_two_factor(request, user):
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return self.get_response(request)
