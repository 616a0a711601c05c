import io

import pytest
from django.core.management import call_command


@pytest.fixture
def launch_schedule(db):
    """The launch data (January 2023) and the UK campaign, loaded as make run does."""
    call_command("load_schedule", stdout=io.StringIO())
