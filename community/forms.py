from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import Nomination, Story, ThankYou
from mentoring_hub.forms import ServerLimits


class ThankYouForm(ServerLimits, forms.ModelForm):
    public = forms.BooleanField(
        label=gettext_lazy("Offer it for the public thank-you wall"),
        required=False,
        help_text=gettext_lazy(
            "An organiser reads it first. Without this, only your mentor sees it."
        ),
    )

    class Meta:
        model = ThankYou
        fields = ["mentor_name", "message", "author_name"]
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, mentor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor = mentor
        if mentor is not None:
            del self.fields["mentor_name"]

    def clean(self):
        data = super().clean()
        if self.mentor is None and not data.get("mentor_name"):
            self.add_error("mentor_name", _("Say who you are thanking."))
        return data


class StoryForm(ServerLimits, forms.ModelForm):
    class Meta:
        model = Story
        fields = ["kind", "title", "body", "author_name"]
        widgets = {"kind": forms.RadioSelect, "body": forms.Textarea(attrs={"rows": 8})}


class NominationForm(ServerLimits, forms.ModelForm):
    class Meta:
        model = Nomination
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}
