"""Recognition and guides: thank-you notes, stories and tips, Mentor of the Month,
organisers' guides, and share cards.

Nothing a member offers for a public page shows before an organiser approves it. A
private thank-you reaches only its mentor (by email and on their page): organisers do
not see its text. A mentor is named publicly only if their profile is public.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts import ratelimit
from accounts.models import EmailKind
from events.views import current_campaign
from mentoring_hub import cards, mail
from mentors.forms import ServerLimits, no_silent_truncation
from mentors.models import (
    Guide,
    MentorOfTheMonth,
    Nomination,
    Profile,
    Story,
    ThankYou,
)

# -- Forms ---------------------------------------------------------------------------------


class ThankYouForm(forms.ModelForm):
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
        no_silent_truncation(self)
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


def first_of_month(day=None):
    day = day or timezone.localdate()
    return day.replace(day=1)


def default_name(user):
    profile = Profile.objects.of(user)
    return profile.display_name if profile else (user.get_full_name() or "")


# -- Thank-you notes -------------------------------------------------------------------------


@require_safe
def thanks_wall(request):
    notes = ThankYou.objects.approved().select_related("mentor")
    return render(request, "mentors/thanks.html", {"notes": notes[:100]})


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
        request.POST or None, mentor=mentor, initial={"author_name": default_name(request.user)}
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
            return render(request, "mentors/thank.html", context, status=429)
        note = form.save(commit=False)
        note.author, note.mentor = request.user, mentor
        note.status = (
            ThankYou.Status.PENDING if form.cleaned_data["public"] else ThankYou.Status.PRIVATE
        )
        with transaction.atomic():
            note.save()
            if mentor is not None:
                mail.send(
                    "emails/thank_you",
                    user=mentor.user,
                    kind=EmailKind.COMMUNITY,
                    context={"note": note, "mentor": mentor},
                )
        messages.success(
            request,
            _("Thank you for thanking. An organiser will read it before it goes on the wall.")
            if form.cleaned_data["public"]
            else _("Your thank-you is on its way."),
        )
        return redirect("mentors:thanks")
    return render(request, "mentors/thank.html", {"form": form, "mentor": mentor})


# -- Stories ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def share_story(request):
    form = StoryForm(request.POST or None, initial={"author_name": default_name(request.user)})
    if request.method == "POST" and form.is_valid():
        story = form.save(commit=False)
        story.author = request.user
        story.campaign = current_campaign()  # shown on that campaign's home page
        story.save()
        messages.success(request, _("Thank you. An organiser will read it before it is shown."))
        return redirect("home")
    return render(request, "mentors/share_story.html", {"form": form})


def approved_story(pk):
    return get_object_or_404(Story.objects.approved().select_related("campaign"), pk=pk)


@require_safe
def story(request, pk):
    item = approved_story(pk)
    return render(request, "mentors/story.html", {"story": item, **share(request, item)})


@require_safe
def story_card(request, pk):
    item = approved_story(pk)
    return cards.response(
        f"story:{item.pk}",
        item.updated_at.timestamp(),
        lambda: cards.draw(item.title, [item.author_name], kicker=item.get_kind_display()),
    )


# -- Mentor of the Month -----------------------------------------------------------------------


def public_awards():
    """Awards that may be shown: the mentor's profile is public and active."""
    return MentorOfTheMonth.objects.filter(
        mentor__visibility=Profile.Visibility.PUBLIC, mentor__user__is_active=True
    ).select_related("mentor")


@require_safe
def mentor_of_the_month(request):
    return render(request, "mentors/mentor_of_the_month.html", {"awards": public_awards()})


def award_for(year, month):
    try:
        day = datetime.date(year, month, 1)
    except (ValueError, OverflowError):  # <int:...> takes any digits: a 20-digit month
        raise Http404 from None
    return get_object_or_404(public_awards(), month=day)


@require_safe
def mentor_of_the_month_detail(request, year, month):
    award = award_for(year, month)
    return render(
        request,
        "mentors/mentor_of_the_month_detail.html",
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
            with transaction.atomic():
                Nomination.objects.create(
                    nominator=request.user,
                    mentor=mentor,
                    month=first_of_month(),
                    reason=form.cleaned_data["reason"],
                )
        except IntegrityError:
            messages.info(request, _("You already nominated this mentor this month."))
        else:
            messages.success(request, _("Thank you: the organisers read every nomination."))
        return redirect(mentor)
    return render(request, "mentors/nominate.html", {"form": form, "mentor": mentor})


# -- Guides ----------------------------------------------------------------------------------


@require_safe
def guides(request):
    return render(request, "mentors/guides.html", {"guides": Guide.objects.filter(published=True)})


@require_safe
def guide(request, slug):
    item = get_object_or_404(Guide, slug=slug, published=True)
    return render(request, "mentors/guide.html", {"guide": item})


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
