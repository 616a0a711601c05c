import zoneinfo
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.cache import per_version
from events.models import Campaign, Event, Host, JoinOption, Proposal
from events.validators import (
    REPEATED_HOUR_CHOICES,
    REPEATED_HOUR_LABEL,
    happens_twice,
    wall_time,
)
from mentoring_hub.zones import time_zone_choices


class AgendaFilterForm(forms.Form):
    """The agenda's filters; the same ones narrow the feeds. Unknown values are
    reported on the page and ignored, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.SearchInput)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All campaigns"),
    )
    host = forms.ModelChoiceField(
        label=_("Host"),
        queryset=Host.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All hosts"),
    )
    platform = forms.ChoiceField(
        label=_("Platform"),
        choices=[("", _("All platforms")), *JoinOption.Platform.choices],
        required=False,
    )
    past = forms.BooleanField(
        label=_("Past sessions"),
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),  # the links' `past=1`
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=100000, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def filter(self, events):
        """Narrow `events` by whichever filters are valid."""
        self.is_valid()  # invalid filters drop out of cleaned_data; the rest still apply
        data = self.cleaned_data
        if campaign := data.get("campaign"):
            events = events.filter(campaign=campaign)
        if host := data.get("host"):
            events = events.filter(host=host)
        if platform := data.get("platform"):
            events = events.filter(join_options__platform=platform).distinct()
        if q := data.get("q", "").strip():
            events = events.filter(
                Q(title__icontains=q) | Q(summary__icontains=q) | Q(host__name__icontains=q)
            )
        return events

    @property
    def ignored_fields(self):
        """Labels of filters whose values were not understood (and so not applied)."""
        return [str(self.fields[name].label or name) for name in self.errors]

    def menus(self):
        """The form, validated and ready to render as the filter menus
        (templates/jinja2/events/includes/filters.html): the campaign and host menus list
        menu_choices(), value lists kept per schedule version, rather than model
        instances queried for every page. Validation still looks values up itself."""
        self.is_valid()
        lists = menu_choices()
        for name, key in (("campaign", "campaigns"), ("host", "hosts")):
            field = self.fields[name]
            field.choices = [("", field.empty_label), *lists[key]]
        return self


@per_version
def menu_choices():
    """Every campaign and host, for the filter menus (the same for every visitor)."""
    return {
        "campaigns": list(Campaign.objects.order_by("-starts_on").values_list("slug", "name")),
        "hosts": list(Host.objects.order_by("name").values_list("slug", "name")),
    }


class WallClockField(forms.SplitDateTimeField):
    """A date and a time on the clock, left naive: the form reads them in the session's
    zone (WallClockForm), not the server's (Django's from_current_timezone would refuse
    a repeated or skipped time with a message that names neither)."""

    def compress(self, data_list):
        if not data_list:
            return None
        if data_list[0] in self.empty_values:
            raise ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if data_list[1] in self.empty_values:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return datetime.combine(*data_list)


# Errors of the session's timing rules (timing_errors, the constraints), by field.
TIMING_FIELDS = {"time_tbd", "starts_at", "ends_at", "start_time", "end_time"}


class WallClockForm(forms.ModelForm):
    """A form where people type a session's start and end on the clock of its zone,
    read by wall_time(): a time the clocks skip is refused, and for one that happens
    twice, `repeated_hour` says which is meant."""

    repeated_hour = forms.ChoiceField(
        label=REPEATED_HOUR_LABEL,
        choices=REPEATED_HOUR_CHOICES,
        required=False,
        help_text=_("Only for a time in the hour that repeats when clocks go back."),
    )
    moved_errors = {}  # model field -> the form field where its errors show

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused_times = False
        instance = self.instance
        for instant in (instance.starts_at, instance.ends_at):
            local = instant and instant.astimezone(zoneinfo.ZoneInfo(instance.time_zone))
            if local and happens_twice(local):
                self.initial.setdefault("repeated_hour", "second" if local.fold else "first")
                break

    def instant(self, field, day, clock, zone):
        """The instant `clock` on `day` names in `zone`, or None with the reason on
        `field`."""
        try:
            return wall_time(day, clock, zone, self.cleaned_data.get("repeated_hour", ""))
        except ValidationError as exc:
            self.add_error(field, exc)
            self.refused_times = True
            return None

    def _update_errors(self, errors):
        # The model's timing rules would judge times that could not be read (a start
        # the clocks skip is not "missing", nor "after the end"): its own message says
        # what is wrong.
        if hasattr(errors, "error_dict"):
            kept = {}
            for key, value in errors.error_dict.items():
                key = self.moved_errors.get(key, key)
                if not (self.refused_times and key in TIMING_FIELDS):
                    kept[key] = value
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)


class EventForm(WallClockForm):
    """A session in the admin: its start and end are typed on the clock of its zone."""

    class Meta:
        model = Event
        fields = ["time_zone", "time_tbd", "starts_on", "starts_at", "ends_at"]
        field_classes = {"starts_at": WallClockField, "ends_at": WallClockField}

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone")
        for name in ("starts_at", "ends_at"):
            value = cleaned.get(name)
            if not isinstance(value, datetime) or value.tzinfo is not None:
                continue
            if zone is None:  # the zone has its own error; the time cannot be read
                del cleaned[name]
                self.refused_times = True
            elif (instant := self.instant(name, value.date(), value.time(), zone)) is not None:
                cleaned[name] = instant
        return cleaned


class ProposalForm(WallClockForm):
    """A member's proposed session. Times are entered as the wall-clock time in the
    chosen zone, as people think of them, and stored as instants."""

    start_time = forms.TimeField(
        label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("Ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    join_url = forms.URLField(
        label=_("Join link"), required=False, assume_scheme="https", max_length=500
    )
    moved_errors = {"starts_at": "start_time", "ends_at": "end_time"}

    class Meta:
        model = Proposal
        fields = [
            "campaign",
            "organisation",
            "title",
            "description",
            "starts_on",
            "time_tbd",
            "time_zone",
            "platform",
            "join_url",
            "place",
        ]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["campaign"].queryset = Campaign.objects.filter(
            ends_on__gte=today, is_demo=False
        )
        self.fields["campaign"].empty_label = None
        self.fields["time_tbd"].help_text = _("Tick if you do not know the time yet.")
        instance = self.instance
        if instance.pk and instance.starts_at:
            zone = zoneinfo.ZoneInfo(instance.time_zone)
            self.initial["start_time"] = instance.starts_at.astimezone(zone).time()
            if instance.ends_at:
                self.initial["end_time"] = instance.ends_at.astimezone(zone).time()
        self.order_fields(
            ["campaign", "organisation", "title", "description", "starts_on", "time_tbd",
             "start_time", "end_time", "time_zone", "repeated_hour", "platform", "join_url",
             "place"]
        )  # fmt: skip

    def clean(self):
        # Turn the wall-clock inputs into instants; Proposal.clean() then checks them
        # like every session (start given, end after start), and its errors land on
        # the inputs people actually typed in (see _update_errors).
        cleaned = super().clean()
        day, tbd = cleaned.get("starts_on"), cleaned.get("time_tbd")
        start, end, zone = (
            cleaned.get("start_time"),
            cleaned.get("end_time"),
            cleaned.get("time_zone"),
        )
        self.instance.starts_at = self.instance.ends_at = None
        if tbd and (start or end):
            self.add_error("time_tbd", _("Clear the times, or untick “time to be decided”."))
        elif not tbd and day and zone:
            self.instance.starts_at = (
                self.instant("start_time", day, start, zone) if start else None
            )
            if start and end:
                self.instance.ends_at = self.instant("end_time", day, end, zone)
        return cleaned
