"""Test data: plain make_* functions; every default can be overridden."""

from itertools import count

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "correct horse battery staple"
_numbers = count(1)


def make_member(**kwargs):
    """A member with a verified primary email address who can log in with PASSWORD."""
    n = next(_numbers)
    kwargs.setdefault("email", f"member{n}@example.org")
    kwargs.setdefault("username", f"member{n}")
    verified = kwargs.pop("verified", True)
    password = kwargs.pop("password", PASSWORD)
    user = get_user_model().objects.create_user(password=password, **kwargs)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


def make_organiser(**kwargs):
    """A staff member of the Organisers group; not a superuser."""
    user = make_member(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=settings.ORGANISERS_GROUP))
    return user
