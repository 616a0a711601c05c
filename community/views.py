"""Pages for recognition and guides: the thank-you wall, stories and tips, Mentor of
the Month with share cards, and organisers' guides."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts import ratelimit
from community import recognition
from community.forms import NominationForm, StoryForm, ThankYouForm
from community.models import Guide, Story, ThankYou
from events.campaigns import current_campaign
from mentoring_hub import cards
from mentors.models import Profile

# -- Thank-you notes -------------------------------------------------------------------------


@require_safe
def thanks_wall(request):
    notes = ThankYou.objects.approved().select_related("mentor")
    return render(request, "community/thanks.html", {"notes": notes[:100]})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def thank(request):
    mentor = None
    if request.GET.get("mentor", "").isdigit():
        mentor = (
            Profile.objects.visible_to(request.user)
            .mentors()
            .exclude(user=request.user)
            .filter(pk=request.GET["mentor"])
            .first()
        )
        if mentor is None:
            raise Http404
    form = ThankYouForm(
        request.POST or None,
        mentor=mentor,
        initial={"author_name": recognition.default_name(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(request, "thank_you"):
            messages.error(
                request,
                _(
                    "You have sent several thank-you notes in a short time. Please wait a "
                    "while before sending another: this one was not sent."
                ),
            )
            context = {"form": form, "mentor": mentor}
            return render(request, "community/thank.html", context, status=429)
        public = form.cleaned_data["public"]
        recognition.thank(form.save(commit=False), request.user, mentor, public)
        messages.success(
            request,
            _("Thank you for thanking. An organiser will read it before it goes on the wall.")
            if public
            else _("Your thank-you is on its way."),
        )
        return redirect("mentors:thanks")
    return render(request, "community/thank.html", {"form": form, "mentor": mentor})


# -- Stories ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def share_story(request):
    form = StoryForm(
        request.POST or None, initial={"author_name": recognition.default_name(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        recognition.share_story(form.save(commit=False), request.user, current_campaign())
        messages.success(request, _("Thank you. An organiser will read it before it is shown."))
        return redirect("home")
    return render(request, "community/share_story.html", {"form": form})


def approved_story(pk):
    return get_object_or_404(Story.objects.approved().select_related("campaign"), pk=pk)


@require_safe
def story(request, pk):
    item = approved_story(pk)
    return render(request, "community/story.html", {"story": item, **share(request, item)})


@require_safe
def story_card(request, pk):
    item = approved_story(pk)
    return cards.response(
        f"story:{item.pk}",
        item.updated_at.timestamp(),
        lambda: cards.draw(item.title, [item.author_name], kicker=item.get_kind_display()),
    )


# -- Mentor of the Month -----------------------------------------------------------------------


@require_safe
def mentor_of_the_month(request):
    return render(
        request, "community/mentor_of_the_month.html", {"awards": recognition.public_awards()}
    )


def award_for(year, month):
    try:
        day = datetime.date(year, month, 1)
    except (ValueError, OverflowError):  # <int:...> takes any digits: a 20-digit month
        raise Http404 from None
    return get_object_or_404(recognition.public_awards(), month=day)


@require_safe
def mentor_of_the_month_detail(request, year, month):
    award = award_for(year, month)
    return render(
        request,
        "community/mentor_of_the_month_detail.html",
        {"award": award, **share(request, award)},
    )


@require_safe
def mentor_of_the_month_card(request, year, month):
    award = award_for(year, month)
    return cards.response(
        f"motm:{award.pk}",
        f"{award.updated_at.timestamp()}:{award.mentor.updated_at.timestamp()}",
        lambda: cards.draw(
            award.mentor.display_name,
            [award.mentor.headline],
            kicker=_("Mentor of the Month, %(month)s") % {"month": award.month.strftime("%B %Y")},
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def nominate(request, pk):
    mentor = get_object_or_404(
        Profile.objects.visible_to(request.user).mentors().exclude(user=request.user), pk=pk
    )
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recognition.nominate(request.user, mentor, form.cleaned_data["reason"])
        except recognition.AlreadyNominated:
            messages.info(request, _("You already nominated this mentor this month."))
        else:
            messages.success(request, _("Thank you: the organisers read every nomination."))
        return redirect(mentor)
    return render(request, "community/nominate.html", {"form": form, "mentor": mentor})


# -- Guides ----------------------------------------------------------------------------------


@require_safe
def guides(request):
    return render(
        request, "community/guides.html", {"guides": Guide.objects.filter(published=True)}
    )


@require_safe
def guide(request, slug):
    item = get_object_or_404(Guide, slug=slug, published=True)
    return render(request, "community/guide.html", {"guide": item})


# -- Share tags ------------------------------------------------------------------------------


def share(request, item):
    """Context for includes/share_tags.html."""
    if isinstance(item, Story):
        title, description = item.title, item.body[:200]
        image = reverse("mentors:story_card", args=[item.pk])
    else:
        title = _("Mentor of the Month: %(name)s") % {"name": item.mentor.display_name}
        description = item.citation[:200]
        image = reverse(
            "mentors:mentor_of_the_month_card", args=[item.month.year, item.month.month]
        )
    return {
        "share_title": title,
        "share_description": description,
        "share_image": settings.SITE_URL + image,
        "share_url": settings.SITE_URL + item.get_absolute_url(),
    }
