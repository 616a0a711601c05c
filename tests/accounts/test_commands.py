import io

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_create_organiser_makes_a_verified_staff_member_not_a_superuser(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command("create_organiser", "lead@example.org", "--password-stdin", stdout=out)
    user = get_user_model().objects.get(email="lead@example.org")
    assert (user.is_staff, user.is_superuser) == (True, False)
    assert list(user.groups.values_list("name", flat=True)) == [settings.ORGANISERS_GROUP]
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    call_command("create_organiser", "lead@example.org", stdout=out)  # again: no change, no prompt
    assert get_user_model().objects.count() == 1


def test_create_organiser_refuses_a_weak_password(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command("create_organiser", "lead@example.org", "--password-stdin")
    assert get_user_model().objects.count() == 0


def test_create_organiser_refuses_a_bad_address():
    with pytest.raises(CommandError, match="is not an email address"):
        call_command("create_organiser", "not-an-address")
