"""Recognition rules: thank-you notes, stories and tips, Mentor of the Month.

Nothing a member offers for a public page shows before an organiser approves it. A
private thank-you reaches only its mentor (by email and on their page): organisers do
not see its text. A mentor is named publicly only if their profile is public.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import EmailKind
from community.models import MentorOfTheMonth, Nomination, ThankYou
from events import cache as schedule_cache
from mentoring_hub import mail
from mentors.models import Profile


class AlreadyNominated(Exception):
    """This member already nominated this mentor this month."""


def first_of_month(day=None):
    day = day or timezone.localdate()
    return day.replace(day=1)


def default_name(user):
    """How a member signs what they offer, unless they change it."""
    profile = Profile.objects.of(user)
    return profile.display_name if profile else (user.get_full_name() or "")


def thank(note, author, mentor, public):
    """Save a thank-you note (for the wall after review if `public`, else for the
    mentor only) and email the mentor when they are a member."""
    note.author, note.mentor = author, mentor
    note.status = ThankYou.Status.PENDING if public else ThankYou.Status.PRIVATE
    with transaction.atomic():
        note.save()
        if mentor is not None:
            mail.send(
                "emails/thank_you",
                user=mentor.user,
                kind=EmailKind.COMMUNITY,
                context={"note": note, "mentor": mentor},
            )
    return note


def share_story(story, author, campaign):
    """Save a story or tip for review, shown on `campaign`'s home page once approved."""
    story.author, story.campaign = author, campaign
    story.save()
    return story


def nominate(nominator, mentor, reason):
    """Nominate `mentor` for this month's Mentor of the Month, once a month each."""
    try:
        with transaction.atomic():
            return Nomination.objects.create(
                nominator=nominator, mentor=mentor, month=first_of_month(), reason=reason
            )
    except IntegrityError:
        raise AlreadyNominated from None


def public_awards():
    """Awards that may be shown: the mentor's profile is public and active."""
    return MentorOfTheMonth.objects.filter(
        mentor__visibility=Profile.Visibility.PUBLIC, mentor__user__is_active=True
    ).select_related("mentor")


def review(queryset, status, by):
    """Approve or reject what members offered for public pages (never a private note).
    Returns how many changed."""
    count = queryset.exclude(status=ThankYou.Status.PRIVATE).update(
        status=status, reviewed_by=by, reviewed_at=timezone.now()
    )
    schedule_cache.bump()  # stories and notes show on cached public pages
    return count


def choose(nomination, by):
    """Make `nomination`'s mentor the Mentor of the Month for its month; ValidationError
    when the award cannot be shown (the profile is not public) or the month is taken."""
    award = MentorOfTheMonth(
        month=nomination.month, mentor=nomination.mentor, citation=nomination.reason, chosen_by=by
    )
    award.full_clean()
    award.save()
    return award
