import pytest
from django.core.management import call_command

from mentors.management.commands.load_demo_mentors import DEMO_MENTORS
from mentors.models import Profile

pytestmark = pytest.mark.django_db


def test_demo_mentors_fill_the_directory_and_loading_twice_is_harmless(client):
    call_command("load_demo", stdout=None)
    call_command("load_demo_mentors")
    call_command("load_demo_mentors")
    assert Profile.objects.count() == len(DEMO_MENTORS) + 1  # and the demo member's own
    page = client.get("/mentors/").content.decode()
    assert "Jordan Reyes" in page  # a public demo profile
    assert "Demo Member" not in page  # a mentee is not in the mentor directory


def test_a_sensitive_search_of_the_demo_directory_finds_its_long_standing_mentors(client):
    from accounts.models import User

    call_command("load_demo", stdout=None)
    call_command("load_demo_mentors")
    client.force_login(User.objects.get(email="demo@example.org"))
    page = client.get("/mentors/", {"language": "en", "efmp": "enrolled"}).content.decode()
    assert "Broaden your search" not in page
    assert "Jordan Reyes" in page
