from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Campaign, Host, JoinOption


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
            "campaigns": list(Campaign.objects.order_by("-starts_on").values_list("slug", "name")),
            "hosts": list(Host.objects.order_by("name").values_list("slug", "name")),
            "platforms": JoinOption.Platform.choices,
            "ignored": self.ignored_fields,
        }
