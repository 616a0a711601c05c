import pytest
from django.core.management import call_command

from mentoring.models import Agreement, MentoringGroup, Mentorship

pytestmark = pytest.mark.django_db


def test_the_demo_member_has_a_mentorship_and_a_group_to_look_at(client):
    call_command("load_demo", stdout=None)
    call_command("load_demo_mentors")
    call_command("load_demo_mentoring")
    call_command("load_demo_mentoring")
    pair = Mentorship.objects.get()
    assert Agreement.objects.get(mentorship=pair).mentor_confirmed_at
    assert MentoringGroup.objects.count() == 1
    client.force_login(pair.mentee.user)
    page = client.get(pair.get_absolute_url()).content.decode()
    assert "Prepare for my first supervisory role" in page
    assert "You have not confirmed this version yet." in page
    assert "Demo: first-time supervisors circle" in client.get("/groups/").content.decode()
