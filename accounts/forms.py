from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import EmailKind

format_html_lazy = lazy(format_html, str)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with the two confirmations this product requires."""

    adult = forms.BooleanField(
        label=_("I am 18 or over"),
        help_text=_("Mentoring Hub is for adult mentoring."),
        error_messages={"required": _("You must be 18 or over to join.")},
    )
    accept_terms = forms.BooleanField(
        label=format_html_lazy(
            _('I accept the <a href="{}">terms</a> and the <a href="{}">privacy notice</a>'),
            reverse_lazy("terms"),
            reverse_lazy("privacy"),
        ),
        error_messages={"required": _("Please accept the terms and privacy notice to join.")},
    )
    field_order = ["email", "password1", "password2", "adult", "accept_terms"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""  # "I am 18 or over:" reads oddly

    def signup(self, request, user):
        # Called by allauth once the user is saved, inside the same request.
        user.record_consent()


class EmailPreferencesForm(forms.Form):
    """One checkbox per kind of non-essential mail; ticked means "send it"."""

    def __init__(self, *args, opted_out=(), digest=False, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in EmailKind:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label, required=False, initial=kind.value not in opted_out
            )
        self.fields["digest_daily"] = forms.BooleanField(
            label=_("Gather changes to my sessions in one email a day"),
            required=False,
            initial=digest,
        )

    def opted_out(self):
        return {kind for kind in EmailKind.values if not self.cleaned_data.get(kind)}


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type DELETE to confirm"),
        max_length=20,
        error_messages={"required": _("Type DELETE to confirm.")},
    )

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.upper() != "DELETE":
            raise forms.ValidationError(_("Type DELETE to confirm; nothing was deleted."))
        return value
