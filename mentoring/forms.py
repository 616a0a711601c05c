"""Forms for asking and answering, a mentorship's page and groups. Length limits are
checked on the server with a message (ServerLimits), never cut by the browser."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.validators import REPEATED_HOUR_CHOICES, REPEATED_HOUR_LABEL, wall_time
from mentoring.models import (
    MESSAGE_MAX,
    Agreement,
    CheckIn,
    CloseOut,
    Goal,
    MentoringGroup,
    Mentorship,
)
from mentoring_hub.forms import ServerLimits
from mentors.models import NOTE_MAX, Profile

# -- Asking and answering ------------------------------------------------------------------


class AskForm(ServerLimits, forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=NOTE_MAX,
        help_text=gettext_lazy(
            "Say what you hope to work on together, and how often you would like to meet."
        ),
    )


class AnswerForm(ServerLimits, forms.Form):
    note = forms.CharField(
        label=gettext_lazy("A note for them (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX,
        required=False,
    )


class EndForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why are you ending it?"),
        choices=[
            (value, label)
            for value, label in Mentorship.EndReason.choices
            if value != Mentorship.EndReason.BLOCKED
        ],
        widget=forms.RadioSelect,
    )


# -- A mentorship's page -------------------------------------------------------------------


class QuietForm(ServerLimits, forms.Form):
    """Length limits checked on the server with a message, never cut by the browser."""


class MessageForm(QuietForm):
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AgreementForm(ServerLimits, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["expectations", "frequency", "meeting_format", "confidentiality", "ends_on"]
        widgets = {
            "expectations": forms.Textarea(attrs={"rows": 4}),
            "confidentiality": forms.Textarea(attrs={"rows": 2}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }


class GoalForm(ServerLimits, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "next_steps", "status"]
        widgets = {"next_steps": forms.Textarea(attrs={"rows": 2})}


class CheckInForm(ServerLimits, forms.ModelForm):
    class Meta:
        model = CheckIn
        fields = ["on", "mood", "notes"]
        widgets = {
            "on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class MeetingForm(QuietForm):
    day = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label=gettext_lazy("Time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Length (minutes)"), min_value=15, max_value=480, initial=60
    )
    format = forms.ChoiceField(label=gettext_lazy("How"), choices=Profile.Format.choices)
    where = forms.CharField(
        label=gettext_lazy("Where or link"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "A meeting link, a phone number or a place. Only the two of you see it."
        ),
    )
    repeated_hour = forms.ChoiceField(
        label=REPEATED_HOUR_LABEL,
        choices=REPEATED_HOUR_CHOICES,
        required=False,
        help_text=gettext_lazy("Only for a time in the hour that repeats when clocks go back."),
    )

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["time"].help_text = _("In your time zone, %(zone)s.") % {"zone": zone}

    def clean(self):
        data = super().clean()
        if data.get("day") is None or data.get("time") is None:
            return data
        # A skipped time is refused and a repeated one needs repeated_hour, with the
        # message the session forms give.
        starts = wall_time(data["day"], data["time"], self.zone, data.get("repeated_hour"))
        if starts <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        data["starts_at"] = starts
        return data


class FitForm(forms.Form):
    good_fit = forms.TypedChoiceField(
        label=gettext_lazy("Is this a good fit?"),
        choices=[
            ("yes", gettext_lazy("Yes, let's carry on")),
            ("no", gettext_lazy("No, end it kindly")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class CloseOutForm(forms.ModelForm):
    class Meta:
        model = CloseOut
        fields = ["rating", "goals_met", "would_recommend"]
        widgets = {"rating": forms.RadioSelect, "goals_met": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["would_recommend"] = forms.TypedChoiceField(
            label=CloseOut._meta.get_field("would_recommend").verbose_name,
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            widget=forms.RadioSelect,
        )


class GoalUpdateForm(ServerLimits, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["next_steps", "status"]


# -- Groups --------------------------------------------------------------------------------


class PeerGroupForm(ServerLimits, forms.ModelForm):
    class Meta:
        model = MentoringGroup
        fields = [
            "name",
            "topic",
            "description",
            "online",
            "city",
            "size_limit",
            "sign_up",
            "question",
            "expectations",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "expectations": forms.Textarea(attrs={"rows": 4}),
            "sign_up": forms.RadioSelect,
        }


class ApplyForm(ServerLimits, forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GroupMeetingForm(MeetingForm):
    """A pair's meeting form (the same time checks) without "how": groups say where."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["format"]
