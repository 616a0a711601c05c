import pytest

from events.models import FeedToken
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_member_page_shows_the_private_calendar_address(client):
    member = make_member()
    client.force_login(member)
    page = client.get("/me/").content.decode()
    token = FeedToken.objects.get(user=member).token
    assert f"/events/feed/{token}.ics" in page
    assert "webcal://" in page


def test_a_new_calendar_address_stops_the_old_one(client):
    member = make_member()
    client.force_login(member)
    client.get("/me/")
    old = FeedToken.objects.get(user=member).token
    response = client.post("/me/feed/regenerate")
    assert response["Location"] == "/me/"
    new = FeedToken.objects.get(user=member).token
    assert new != old
    assert client.get(f"/events/feed/{old}.ics").status_code == 404
    assert client.get(f"/events/feed/{new}.ics").status_code == 200


def test_member_page_and_new_address_need_a_signed_in_member(client):
    assert client.get("/me/")["Location"].startswith("/accounts/login/")
    assert client.post("/me/feed/regenerate")["Location"].startswith("/accounts/login/")
    assert client.get("/me/feed/regenerate").status_code == 405
