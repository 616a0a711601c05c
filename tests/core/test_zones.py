import pytest
from django.core.exceptions import ValidationError

from mentoring_hub.zones import time_zone_choices, validate_time_zone


def test_every_zone_offered_is_accepted_and_named_for_reading():
    choices = dict(time_zone_choices())
    assert choices["America/New_York"] == "America/New York"
    for name in choices:
        validate_time_zone(name)


@pytest.mark.parametrize("value", ["Mars/Olympus_Mons", "", "/etc/passwd"])
def test_a_name_that_is_not_a_zone_is_refused_with_an_example(value):
    with pytest.raises(ValidationError) as error:
        validate_time_zone(value)
    assert error.value.messages == [
        f"“{value}” is not a time zone. Use an IANA name such as America/New_York."
    ]
