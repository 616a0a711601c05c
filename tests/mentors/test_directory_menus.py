"""The directory's filter menus, rendered from its form by one template."""

import re

import pytest

from mentors.directory import DirectoryForm
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def options(html, name):
    select = re.search(rf'<select name="{name}" id="id_{name}">(.*?)</select>', html, re.S)[1]
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)


def test_directory_menus_are_the_forms_choices_with_the_chosen_one_selected(client):
    client.force_login(make_member())  # a verified member: the shared-experience menus too
    form = DirectoryForm({}, viewer=None)
    html = client.get("/mentors/", {"experience": "4", "format": "video"}).content.decode()
    for name in ("career_field", "topic", "experience", "language", "format"):
        chosen = {"experience": "4", "format": "video"}.get(name, "")
        expected = [
            (str(value), " selected" if str(value) == chosen else "", str(label))
            for value, label in form.fields[name].choices
        ]
        assert options(html, name) == expected, name
        assert f'<label for="id_{name}">{form.fields[name].label}:</label>' in html
    assert options(html, "gender")[0] == ("", " selected", "Any")


def test_a_field_error_shows_beside_its_menu(client):
    html = client.get("/mentors/", {"career_field": "999999"}).content.decode()
    assert re.search(r'id="id_career_field">.*?</select><ul class="errorlist', html, re.S)
