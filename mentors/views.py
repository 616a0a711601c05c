from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import ratelimit
from mentoring_hub.cache import public_page
from mentors import relationships
from mentors.directory import PAGE_SIZE, DirectoryForm, search
from mentors.forms import (
    AnswerForm,
    AskForm,
    EndForm,
    OnboardingForm,
    ProfileForm,
    ReportForm,
    SensitiveForm,
)
from mentors.models import (
    Block,
    Mentorship,
    MentorshipRequest,
    Profile,
    Report,
    WaitingListEntry,
)
from mentors.sensitive import MIN_GROUP
from mentors.suggest import suggestions as best_for
from mentors.suggest import version as suggest_version
from mentors.workspace import mine


def own_profile(user):
    return Profile.objects.of(user)


@require_safe
@public_page(version=suggest_version)
def directory(request):
    form = DirectoryForm(request.GET, viewer=request.user)
    profiles, notice = Profile.objects.none(), ""
    if form.is_valid():
        profiles, notice = search(request.user, form)
    if form.sensitive_refused:
        notice = _(
            "Only signed-in members with a verified email address can filter on EFMP "
            "status, race, ethnicity or gender; those filters were left out."
        )
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mentors/directory.html",
        {
            "form": form,
            "page": page,
            "notice": notice,
            "query": query.urlencode(),
            "min_group": MIN_GROUP,
        },
    )


@require_safe
@login_required
def suggestions(request):
    profile = (
        Profile.objects.prefetch_related("goals", "languages").filter(user=request.user).first()
    )
    if profile is None or not profile.is_mentee:
        return render(request, "mentors/suggestions.html", {"profile": profile, "results": None})
    return render(
        request,
        "mentors/suggestions.html",
        {"profile": profile, "results": best_for(profile)},
    )


@require_safe
def profile(request, pk):
    visible = Profile.objects.visible_to(request.user).select_related(
        "user", "career_field", "organisation"
    )
    profile = get_object_or_404(
        visible.prefetch_related("expertise", "goals", "languages", "sensitive_attributes"),
        pk=pk,
    )
    is_owner = request.user.is_authenticated and profile.user_id == request.user.pk
    return render(
        request,
        "mentors/profile.html",
        {
            "profile": profile,
            "is_owner": is_owner,
            "shown_sensitive": profile.shown_sensitive(request.user),
            "awards": profile.awards.all(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def onboarding(request):
    if own_profile(request.user):
        return redirect("mentors:edit_profile")
    if request.method == "POST" and "skip" in request.POST:
        request.user.onboarding_skipped_at = timezone.now()
        request.user.save(update_fields=["onboarding_skipped_at"])
        return redirect("me:dashboard")
    if (
        request.method == "GET"
        and request.user.onboarding_skipped_at
        and "start" not in request.GET
    ):
        return redirect("me:dashboard")
    initial = {"display_name": request.user.get_full_name()}
    form = OnboardingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.user = request.user
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            pass  # a double submit: the first one made the profile
        messages.success(request, _("Welcome! Now tell people a little about yourself."))
        return redirect("mentors:edit_profile")
    return render(request, "mentors/onboarding.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_profile(request):
    profile = own_profile(request.user)
    if profile is None:
        return redirect(reverse("mentors:onboarding") + "?start=1")
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, _("Your profile is saved."))
            return redirect("mentors:edit_profile")
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "mentors/edit_profile.html", {"form": form, "profile": profile})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_sensitive(request):
    profile = own_profile(request.user)
    if profile is None:
        return redirect("mentors:onboarding")
    form = SensitiveForm(request.POST or None, profile=profile)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, _("Your choices are saved."))
            return redirect("mentors:edit_sensitive")
        messages.error(request, _("Nothing was saved: please correct the choices marked below."))
    records = request.user.consent_records.all()
    return render(
        request,
        "mentors/sensitive.html",
        {"form": form, "records": records, "min_group": MIN_GROUP},
    )


def other_profile(request, pk):
    """A profile the member may see and act on (never their own)."""
    profile = get_object_or_404(Profile.objects.visible_to(request.user), pk=pk)
    if profile.user_id == request.user.pk:
        raise Http404
    return profile


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report(request, pk):
    profile = other_profile(request, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        already = Report.objects.filter(
            reporter=request.user, profile=profile, status=Report.Status.OPEN
        ).exists()
        if not already:
            form.instance.reporter = request.user
            form.instance.profile = profile
            try:
                with transaction.atomic():
                    form.save()
            except IntegrityError:
                already = True
        if already:
            messages.info(
                request, _("You have already reported this profile; organisers will review it.")
            )
        else:
            messages.success(
                request,
                _(
                    "Thank you. Organisers will review your report; %(name)s is not told who reported them."
                )
                % {"name": profile.display_name},
            )
        return redirect(profile)
    return render(request, "mentors/report.html", {"form": form, "profile": profile})


@require_POST
@login_required
def block(request, pk):
    profile = other_profile(request, pk)
    with transaction.atomic():
        Block.objects.get_or_create(blocker=request.user, blocked=profile.user)
        mine = own_profile(request.user)
        if mine is not None:
            relationships.blocked_now(mine, profile)
    messages.success(
        request,
        _(
            "You blocked %(name)s. You will not see each other in the directory, and they cannot contact you. You can undo this from your page."
        )
        % {"name": profile.display_name},
    )
    return redirect("mentors:directory")


@require_safe
@login_required
def blocked_list(request):
    blocks = request.user.blocks_made.select_related("blocked__profile").order_by("-created_at")
    return render(request, "mentors/blocked.html", {"blocks": blocks})


@require_POST
@login_required
def unblock(request, block_id):
    deleted, _rows = Block.objects.filter(pk=block_id, blocker=request.user).delete()
    if deleted:
        messages.success(request, _("Unblocked."))
    return redirect("mentors:blocked")


# -- Mentoring relationships ----------------------------------------------------------------


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
            return render(request, "mentors/ask.html", context, status=429)
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
    return render(request, "mentors/ask.html", context)


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
    get_object_or_404(WaitingListEntry, pk=entry_id, mentee__user=request.user).delete()
    messages.success(request, _("You left the waiting list."))
    return redirect("mentors:mentoring")


@require_safe
@login_required
def mentoring(request):
    profile = own_profile(request.user)
    if profile is None:
        return render(request, "mentors/mentoring.html", {"profile": None})
    requests = MentorshipRequest.objects.select_related("mentee", "mentor")
    mentorships = Mentorship.objects.select_related("mentee", "mentor")
    return render(
        request,
        "mentors/mentoring.html",
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
