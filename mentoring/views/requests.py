"""Asking a mentor and answering, waiting lists, a member's mentoring page, and ending
a mentorship. The rules (places, limits, blocks, emails) are in relationships.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import ratelimit
from mentoring import relationships
from mentoring.forms import AnswerForm, AskForm, EndForm
from mentoring.models import Mentorship, MentorshipRequest, WaitingListEntry
from mentoring.views.workspace import mine
from mentors.views import other_profile, own_profile


def require_profile(request):
    profile = own_profile(request.user)
    if profile is None:
        messages.info(request, _("Set up your profile first."))
    return profile


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def ask(request, pk):
    mentor = other_profile(request, pk)
    mentee = require_profile(request)
    if mentee is None:
        return redirect("mentors:onboarding")
    form = AskForm(request.POST or None)
    full = relationships.places_left(mentor) <= 0
    context = {"form": form, "mentor": mentor, "full": full, "mentee": mentee}
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(request, "mentoring_request"):
            messages.error(
                request,
                _(
                    "You have sent several requests in a short time. Please wait a while "
                    "before asking again: this one was not sent."
                ),
            )
            return render(request, "mentoring/ask.html", context, status=429)
        try:
            relationships.ask(mentee, mentor, form.cleaned_data["message"])
        except relationships.NoPlace as error:
            messages.warning(request, str(error))
            context["full"] = True
        except relationships.NotAllowed as error:
            messages.error(request, str(error))
            return redirect(mentor)
        else:
            messages.success(
                request,
                _("Request sent. %(name)s will answer within %(days)d days.")
                % {"name": mentor.display_name, "days": settings.MENTORING_REQUEST_DAYS},
            )
            return redirect("mentors:mentoring")
    return render(request, "mentoring/ask.html", context)


@require_POST
@login_required
def wait(request, pk):
    mentor = other_profile(request, pk)
    mentee = require_profile(request)
    if mentee is None:
        return redirect("mentors:onboarding")
    try:
        relationships.wait_for(mentee, mentor)
    except relationships.NotAllowed as error:
        messages.error(request, str(error))
        return redirect(mentor)
    messages.success(
        request,
        _("You are on %(name)s's waiting list. We will email you when a place is free.")
        % {"name": mentor.display_name},
    )
    return redirect("mentors:mentoring")


@require_POST
@login_required
def wait_for_round(request):
    mentee = require_profile(request)
    if mentee is None:
        return redirect("mentors:onboarding")
    try:
        relationships.wait_for(mentee)
    except relationships.NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("You will be included in the next matching round the organisers run.")
        )
    return redirect("mentors:mentoring")


@require_POST
@login_required
def leave_waiting_list(request, entry_id):
    relationships.leave_waiting_list(
        get_object_or_404(WaitingListEntry, pk=entry_id, mentee__user=request.user)
    )
    messages.success(request, _("You left the waiting list."))
    return redirect("mentors:mentoring")


@require_safe
@login_required
def mentoring(request):
    profile = own_profile(request.user)
    if profile is None:
        return render(request, "mentoring/mentoring.html", {"profile": None})
    requests = MentorshipRequest.objects.select_related("mentee", "mentor")
    mentorships = Mentorship.objects.select_related("mentee", "mentor")
    return render(
        request,
        "mentoring/mentoring.html",
        {
            "profile": profile,
            "received": requests.pending().filter(mentor=profile),
            "sent": requests.filter(mentee=profile)[:20],
            "as_mentor": mentorships.active().filter(mentor=profile),
            "as_mentee": mentorships.active().filter(mentee=profile),
            "ended": mentorships.involving(profile).filter(status=Mentorship.Status.ENDED)[:20],
            "waiting": profile.waiting.select_related("mentor"),
            "answer_form": AnswerForm(),
            "places_left": relationships.places_left(profile) if profile.is_mentor else None,
        },
    )


ANSWERS = {
    "accept": (relationships.accept, "mentor"),
    "decline": (relationships.decline, "mentor"),
    "withdraw": (relationships.withdraw, "mentee"),
}


@require_POST
@login_required
def answer(request, request_id, action):
    profile = own_profile(request.user)
    if action not in ANSWERS or profile is None:
        raise Http404
    step, side = ANSWERS[action]
    mentoring_request = get_object_or_404(
        MentorshipRequest, pk=request_id, **{f"{side}__user": request.user}
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
        return redirect("mentors:mentoring")
    try:
        if action == "withdraw":
            step(mentoring_request, profile)
        else:
            step(mentoring_request, profile, form.cleaned_data["note"])
    except relationships.NotAllowed as error:
        messages.error(request, str(error))
        return redirect("mentors:mentoring")
    done = {
        "accept": _("Accepted: your mentorship with %(name)s has started."),
        "decline": _("Declined. %(name)s has been told."),
        "withdraw": _("Request withdrawn. %(name)s has been told."),
    }[action]
    other = mentoring_request.mentee if side == "mentor" else mentoring_request.mentor
    messages.success(request, done % {"name": other.display_name})
    return redirect("mentors:mentoring")


@require_POST
@login_required
def end_mentorship(request, pk):
    pair, me = mine(request, pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the mentorship ends."))
        return redirect(pair)
    try:
        relationships.end(pair, me, form.cleaned_data["reason"])
    except relationships.NotAllowed as error:
        messages.error(request, str(error))
        return redirect(pair)
    messages.success(
        request,
        _("The mentorship has ended. %(name)s has been told.")
        % {"name": pair.other(me).display_name},
    )
    return redirect("mentors:mentoring")
