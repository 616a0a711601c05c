"""One mentorship's page and everything the two people do on it: contact details,
messages, the agreement, goals, meetings, check-ins, the fit question, close-out.

Only the mentor and the mentee reach any of it: every view looks the mentorship up
among the signed-in member's own (404 otherwise, never a 403 that confirms it exists).
A form with errors is shown again on the page, next to its fields, and saves nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from mentoring import relationships
from mentoring.forms import (
    AgreementForm,
    CheckInForm,
    CloseOutForm,
    EndForm,
    FitForm,
    GoalForm,
    GoalUpdateForm,
    MeetingForm,
    MessageForm,
)
from mentoring.models import Agreement, Goal, Meeting, Mentorship


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
        "mentoring/mentorship.html",
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
    relationships.add_goal(pair, me, **form.cleaned_data)


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
    relationships.add_checkin(pair, me, **form.cleaned_data)


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


@require_POST
@login_required
def update_goal(request, pk, goal_id):
    pair, me = mine(request, pk)
    goal = get_object_or_404(Goal, pk=goal_id, mentorship=pair)
    form = GoalUpdateForm(request.POST, instance=goal)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(pair)
    try:
        relationships.update_goal(form.instance, me)
    except relationships.NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Goal updated."))
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
