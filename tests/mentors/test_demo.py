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
