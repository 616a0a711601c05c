"""Mentors' pages: the directory, suggestions, profiles and their editing, and the
safety steps (report, block)."""

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

from mentoring_hub.cache import public_page
from mentors import safety
from mentors.directory import PAGE_SIZE, DirectoryForm, search
from mentors.forms import OnboardingForm, ProfileForm, ReportForm, SensitiveForm
from mentors.models import Profile
from mentors.sensitive import MIN_GROUP
from mentors.suggest import suggestions as best_for
from mentors.suggest import version as suggest_version


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
        if safety.report(form.instance, request.user, profile):
            messages.success(
                request,
                _(
                    "Thank you. Organisers will review your report; %(name)s is not told who reported them."
                )
                % {"name": profile.display_name},
            )
        else:
            messages.info(
                request, _("You have already reported this profile; organisers will review it.")
            )
        return redirect(profile)
    return render(request, "mentors/report.html", {"form": form, "profile": profile})


@require_POST
@login_required
def block(request, pk):
    profile = other_profile(request, pk)
    safety.block(request.user, profile)
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
    if safety.unblock(request.user, block_id):
        messages.success(request, _("Unblocked."))
    return redirect("mentors:blocked")
