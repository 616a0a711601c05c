import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.cache import per_version
from events.models import Campaign, Host, JoinOption, Proposal, local_datetime


class AgendaFilterForm(forms.Form):
    """The agenda's filters; the same ones narrow the feeds. Unknown values are
    reported on the page and ignored, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
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
    past = forms.BooleanField(label=_("Past sessions"), required=False)
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
        """What the filter template needs: the choices (cheap value lists, not model
        instances) and the values currently chosen."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "campaign": data["campaign"].slug if data.get("campaign") else "",
            "host": data["host"].slug if data.get("host") else "",
            "platform": data.get("platform", ""),
            "past": data.get("past", False),
            **menu_choices(),
            "platforms": JoinOption.Platform.choices,
            "ignored": self.ignored_fields,
        }


@per_version
def menu_choices():
    """Every campaign and host, for the filter menus (the same for every visitor)."""
    return {
        "campaigns": list(Campaign.objects.order_by("-starts_on").values_list("slug", "name")),
        "hosts": list(Host.objects.order_by("name").values_list("slug", "name")),
    }


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ProposalForm(forms.ModelForm):
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
             "start_time", "end_time", "time_zone", "platform", "join_url", "place"]
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
            self.instance.starts_at = local_datetime(day, start, zone) if start else None
            self.instance.ends_at = local_datetime(day, end, zone) if start and end else None
        return cleaned

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            moved = {"starts_at": "start_time", "ends_at": "end_time"}
            errors = ValidationError({moved.get(k, k): v for k, v in errors.error_dict.items()})
        super()._update_errors(errors)
