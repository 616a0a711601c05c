"""One mentorship's page and everything the two people do on it: contact details,
messages, the agreement, goals, meetings, check-ins, the fit question, close-out.

Only the mentor and the mentee reach any of it: every view looks the mentorship up
among the signed-in member's own (404 otherwise, never a 403 that confirms it exists).
A form with errors is shown again on the page, next to its fields, and saves nothing.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from events.validators import REPEATED_HOUR_CHOICES, REPEATED_HOUR_LABEL, wall_time
from mentors import relationships
from mentors.forms import EndForm, ServerLimits
from mentors.models import (
    MESSAGE_MAX,
    Agreement,
    CheckIn,
    CloseOut,
    Goal,
    Meeting,
    Mentorship,
    Profile,
)


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


def mine(request, pk):
    """(mentorship, my profile) for a mentorship the member is part of, or 404."""
    pair = get_object_or_404(
        Mentorship.objects.select_related("mentor__user", "mentee__user"),
        Q(mentor__user=request.user) | Q(mentee__user=request.user),
        pk=pk,
    )
    me = pair.mentor if pair.mentor.user_id == request.user.pk else pair.mentee
    return pair, me


def page(request, pair, me, status=200, **bound):
    """The mentorship page, with any bound (invalid) form in place of its blank one."""
    now = timezone.now()
    agreement = Agreement.objects.filter(mentorship=pair).first()
    meetings = list(pair.meetings.all())
    my_fit = pair.fit.filter(author=me).first()
    forms_ = {
        "message_form": MessageForm(),
        "agreement_form": AgreementForm(instance=agreement),
        "goal_form": GoalForm(),
        "meeting_form": MeetingForm(zone=me.time_zone),
        "checkin_form": CheckInForm(),
        "fit_form": FitForm(),
        "closeout_form": CloseOutForm(),
        "end_form": EndForm(),
        **bound,
    }
    other = pair.other(me)
    side = relationships.side(pair, me)
    return render(
        request,
        "mentors/mentorship.html",
        {
            "pair": pair,
            "me": me,
            "other": other,
            "side": side,
            "contact": contact_details(other) if pair.status == Mentorship.Status.ACTIVE else [],
            "messages_list": pair.messages.select_related("sender"),
            "agreement": agreement,
            "i_confirmed": bool(agreement and getattr(agreement, f"{side}_confirmed_at")),
            "goals": pair.goals.all(),
            "upcoming": [m for m in meetings if m.starts_at >= now and not m.cancelled],
            "past": [m for m in meetings if m.starts_at < now or m.cancelled],
            "checkins": pair.checkins.select_related("author"),
            "ask_fit": pair.status == Mentorship.Status.ACTIVE
            and my_fit is None
            and any(m.starts_at <= now and not m.cancelled for m in meetings),
            "my_fit": my_fit,
            "closed_out": pair.closeouts.filter(author=me).exists(),
            **forms_,
        },
        status=status,
    )


def contact_details(profile):
    """What `profile` chose to share with their mentors and mentees."""
    details = []
    if profile.share_email:
        details.append((_("Email"), profile.user.email))
    if profile.phone:
        details.append((_("Phone"), profile.phone))
    if profile.contact_note:
        details.append((_("Also"), profile.contact_note))
    return details


@require_safe
@login_required
def mentorship(request, pk):
    pair, me = mine(request, pk)
    return page(request, pair, me)


def step(form_name, form_class, action, success, form_kwargs=None):
    """A POST view: validate `form_class`, run `action(pair, me, form)`, say `success`."""

    @require_POST
    @login_required
    def view(request, pk, **kwargs):
        pair, me = mine(request, pk)
        extra = form_kwargs(me) if form_kwargs else {}
        form = form_class(request.POST, **extra)
        if not form.is_valid():
            return page(request, pair, me, status=400, **{form_name: form})
        try:
            action(pair, me, form, **kwargs)
        except relationships.NotAllowed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, success)
        return redirect(pair)

    return view


def _message(pair, me, form):
    relationships.send_message(pair, me, form.cleaned_data["body"])


def _agreement(pair, me, form):
    relationships.save_agreement(pair, me, **form.cleaned_data)


def _goal(pair, me, form):
    relationships.require_active(pair, me)
    Goal.objects.create(mentorship=pair, **form.cleaned_data)


def _meeting(pair, me, form):
    data = form.cleaned_data
    relationships.schedule_meeting(
        pair,
        me,
        starts_at=data["starts_at"],
        minutes=data["minutes"],
        time_zone=form.zone,
        format=data["format"],
        where=data["where"],
    )


def _checkin(pair, me, form):
    relationships.require_active(pair, me)
    CheckIn.objects.create(mentorship=pair, author=me, **form.cleaned_data)


def _fit(pair, me, form):
    relationships.answer_fit(pair, me, form.cleaned_data["good_fit"])


def _closeout(pair, me, form):
    relationships.close_out(pair, me, **form.cleaned_data)


send_message = step("message_form", MessageForm, _message, gettext_lazy("Message sent."))
save_agreement = step(
    "agreement_form",
    AgreementForm,
    _agreement,
    gettext_lazy("Agreement saved. The other side is asked to read and confirm it."),
)
add_goal = step("goal_form", GoalForm, _goal, gettext_lazy("Goal added."))
schedule_meeting = step(
    "meeting_form",
    MeetingForm,
    _meeting,
    gettext_lazy("Meeting scheduled. It is in both your calendar feeds."),
    form_kwargs=lambda me: {"zone": me.time_zone},
)
add_checkin = step("checkin_form", CheckInForm, _checkin, gettext_lazy("Check-in saved."))
answer_fit = step("fit_form", FitForm, _fit, gettext_lazy("Thank you for answering."))
close_out = step(
    "closeout_form", CloseOutForm, _closeout, gettext_lazy("Thank you for your feedback.")
)


class GoalUpdateForm(ServerLimits, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["next_steps", "status"]


@require_POST
@login_required
def update_goal(request, pk, goal_id):
    pair, _me = mine(request, pk)
    goal = get_object_or_404(Goal, pk=goal_id, mentorship=pair)
    form = GoalUpdateForm(request.POST, instance=goal)
    if pair.status != Mentorship.Status.ACTIVE:
        messages.error(request, _("This mentorship has ended."))
    elif form.is_valid():
        form.save()
        messages.success(request, _("Goal updated."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(pair)


@require_POST
@login_required
def confirm_agreement(request, pk):
    pair, me = mine(request, pk)
    try:
        relationships.confirm_agreement(pair, me, request.POST.get("seen", ""))
    except relationships.NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You confirmed the agreement."))
    return redirect(pair)


@require_POST
@login_required
def cancel_meeting(request, pk, meeting_id):
    pair, me = mine(request, pk)
    meeting = get_object_or_404(Meeting, pk=meeting_id, mentorship=pair)
    try:
        relationships.cancel_meeting(meeting, me)
    except relationships.NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Meeting cancelled; it leaves both calendar feeds."))
    return redirect(pair)
