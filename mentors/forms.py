from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mentoring_hub.forms import no_silent_truncation
from mentoring_hub.zones import time_zone_choices, zone_names
from mentors import sensitive
from mentors.models import CareerField, Language, Organisation, Profile, Report, Topic
from mentors.photos import PhotoError, process

# Shown only to the member's mentors and mentees; never in the admin.
CONTACT_FIELDS = ["share_email", "phone", "contact_note"]


class OnboardingForm(forms.ModelForm):
    # Filled from the browser's own time zone by a small script; without it, the default.
    time_zone = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Profile
        fields = ["role", "display_name", "time_zone"]
        widgets = {"role": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_silent_truncation(self)

    def clean_time_zone(self):
        zone = self.cleaned_data.get("time_zone")
        return zone if zone in zone_names() else settings.TIME_ZONE


class ProfileForm(forms.ModelForm):
    formats = forms.MultipleChoiceField(
        label=_("Ways you can meet"),
        choices=Profile.Format.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    availability = forms.MultipleChoiceField(
        label=_("Usually available"),
        choices=Profile.Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    photo_upload = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP or GIF, up to 5 MB. We crop it square and remove "
            "location and camera data."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)
    must_match = forms.MultipleChoiceField(
        label=_("Only suggest mentors who match on"),
        choices=Profile.MustMatch.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Mentees: everything else counts towards a better match but is not required."),
    )

    class Meta:
        model = Profile
        fields = [
            "role",
            "display_name",
            "headline",
            "bio",
            "career_field",
            "career_field_other",
            "organisation",
            "organisation_other",
            "experience",
            "expertise",
            "goals",
            "languages",
            "time_zone",
            "capacity",
            "accepting_mentees",
            "visibility",
            "must_match",
            *CONTACT_FIELDS,
        ]
        widgets = {
            "role": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            "bio": forms.Textarea(attrs={"rows": 6}),
            "expertise": forms.CheckboxSelectMultiple,
            "goals": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "career_field_other": _("If yours is not in the list."),
            "organisation_other": _("If yours is not in the list."),
            "capacity": _("Mentors only: how many mentees you can take at the same time."),
            "bio": _("Up to 2,000 characters. Plain text: no links or formatting."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_silent_truncation(self)
        # Retired list entries stay selectable only for the profiles that already use them.
        instance = self.instance
        self.fields["career_field"].queryset = CareerField.objects.filter(
            active=True
        ) | CareerField.objects.filter(pk=instance.career_field_id)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            active=True
        ) | Organisation.objects.filter(pk=instance.organisation_id)
        used_topics = set()
        if instance.pk:
            used_topics = {t.pk for t in instance.expertise.all()} | {
                t.pk for t in instance.goals.all()
            }
        topics = Topic.objects.filter(active=True) | Topic.objects.filter(pk__in=used_topics)
        self.fields["expertise"].queryset = topics
        self.fields["goals"].queryset = topics
        self.fields["languages"].queryset = Language.objects.all()
        self.fields["career_field"].empty_label = _("Choose…")
        self.fields["organisation"].empty_label = _("Choose…")
        self.initial.setdefault("formats", [str(f) for f in instance.formats])
        self.initial.setdefault("availability", instance.availability)
        self.photo_files = None

    def clean_photo_upload(self):
        upload = self.cleaned_data.get("photo_upload")
        if upload:
            try:
                self.photo_files = process(upload)
            except PhotoError as error:
                raise forms.ValidationError(str(error)) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        for name in ("career_field", "organisation"):
            if cleaned.get(name) and cleaned.get(f"{name}_other"):
                self.add_error(
                    f"{name}_other", _("Choose from the list or fill this in, not both.")
                )
        return cleaned

    def save(self, commit=True):
        profile = super().save(commit=False)
        chosen = set(self.cleaned_data.get("formats") or [])
        for fmt, field in Profile.FORMAT_FIELDS.items():
            setattr(profile, field, fmt in chosen)
        profile.availability = [
            code
            for code in Profile.Availability.values
            if code in self.cleaned_data["availability"]
        ]
        if commit:
            profile.save()
            self.save_m2m()
            if self.photo_files:
                profile.set_photo(self.photo_files)
            elif self.cleaned_data.get("remove_photo") and profile.photo:
                profile.remove_photo()
        return profile


class SensitiveForm(forms.Form):
    """Per attribute: a value from the documented list and what may be done with it."""

    def __init__(self, *args, profile, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        current = profile.sensitive_by_kind
        self.kinds = []
        for kind in sensitive.Kind:
            attr = current.get(kind.value)
            self.fields[f"{kind.value}_value"] = forms.ChoiceField(
                label=kind.label,
                choices=[("", _("Not given")), *sensitive.choices(kind)],
                required=False,
                initial=attr.value if attr else "",
            )
            self.fields[f"{kind.value}_use"] = forms.ChoiceField(
                label=_("How it may be used"),
                choices=sensitive.Use.choices,
                widget=forms.RadioSelect,
                initial=attr.use if attr else sensitive.Use.NOT_USED,
            )
            self.kinds.append(kind)

    def sections(self):
        return [
            {
                "kind": kind,
                "value": self[f"{kind.value}_value"],
                "use": self[f"{kind.value}_use"],
                "since": getattr(
                    self.profile.sensitive_by_kind.get(kind.value), "consented_at", None
                ),
            }
            for kind in self.kinds
        ]

    def clean(self):
        cleaned = super().clean()
        for kind in self.kinds:
            use = cleaned.get(f"{kind.value}_use")
            if use and use != sensitive.Use.NOT_USED and not cleaned.get(f"{kind.value}_value"):
                self.add_error(
                    f"{kind.value}_value",
                    _("Choose a value, or choose “Not used” below."),
                )
        return cleaned

    def save(self):
        for kind in self.kinds:
            use = self.cleaned_data[f"{kind.value}_use"]
            value = self.cleaned_data[f"{kind.value}_value"]
            self.profile.set_sensitive(kind.value, value, use)


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["reason", "note"]
        widgets = {"reason": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"note": _("Up to 1,000 characters. Only organisers read this.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_silent_truncation(self)
