"""The Organisers group: staff who run the campaign from the admin, never superusers.

Each app lists the models organisers manage in ORGANISER_PERMISSIONS (app label and
model name to the actions allowed); the group is brought up to date after every
migrate, so a new model's permissions reach organisers with the release that adds it.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

ALL = ("add", "change", "delete", "view")

# app_label -> {model_name: actions}. Later apps add their models here.
# Each app adds its own models (AppConfig.ready). Not the task queue: whether mail went
# out is the outbox's list (recipient, kind, state, last reply), and a task's row shows
# its arguments and tracebacks, which organisers have no use for.
ORGANISER_PERMISSIONS = {}


def acts_as_organiser(user):
    """Whether `user` may use staff rights now: staff whose session passed two-factor.

    The one place this is decided. StaffTwoFactorMiddleware marks, in each request,
    staff whose session signed in without their second factor (a password alone);
    User.has_perm asks this first, so to every permission check (drafts and
    attendee-only join details on the public site included) they are ordinary
    members until they sign in with it. A user object outside a request (a command)
    carries no mark and keeps its rights.
    """
    return bool(
        user.is_authenticated
        and user.is_staff
        and not getattr(user, "without_second_factor", False)
    )


def organiser_permissions():
    wanted = Q(pk__in=[])
    for app_label, models in ORGANISER_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    return Permission.objects.filter(wanted)


def sync_organisers_group(sender=None, **kwargs):
    """Create the Organisers group if needed and set exactly its permissions. Idempotent."""
    group, _created = Group.objects.get_or_create(name=settings.ORGANISERS_GROUP)
    group.permissions.set(organiser_permissions())
    return group


def appoint_organiser(email, *, user=None, password=None):
    """Make `user` (or a new account for `email`, with `password`) an organiser: staff,
    in the Organisers group, the address verified and primary; never a superuser.
    Idempotent. They set up two-factor sign-in on their first visit to the admin."""
    with transaction.atomic():
        if user is None:
            user = get_user_model().objects.create_user(
                username=email, email=email, password=password
            )
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        group = Group.objects.filter(name=settings.ORGANISERS_GROUP).first()
        user.groups.add(group or sync_organisers_group())
        EmailAddress.objects.update_or_create(
            user=user,
            email__iexact=email,
            defaults={"email": email, "verified": True, "primary": True},
        )
    return user
