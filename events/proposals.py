"""Community proposals: a member proposes a session, organisers decide.

Each decision is one function that changes the proposal and emails the proposer in the
same transaction (the email leaves after commit).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator, slugify

from events.models import Event, Host, JoinOption, Proposal
from mentoring_hub import mail

MAX_PER_DAY = 5


def over_daily_limit(user, now=None):
    """Whether `user` already sent the most proposals allowed in 24 hours."""
    since = (now or timezone.now()) - timezone.timedelta(days=1)
    return user.proposals.filter(created_at__gte=since).count() >= MAX_PER_DAY


def submit(proposal, proposer):
    """Send a new proposal, or `proposer`'s edit of an open one, to the organisers, and
    tell the proposer it arrived. An edited proposal goes back for review."""
    with transaction.atomic():
        proposal.proposer = proposer
        proposal.state = Proposal.State.SUBMITTED  # an edit asked for goes back for review
        proposal.save()
        notify(proposal)
    return proposal


def save_note(proposal, note):
    """Keep an organiser's note on a proposal they have not decided yet."""
    proposal.organiser_note = note
    proposal.save(update_fields=["organiser_note", "updated_at"])


def notify(proposal):
    mail.send(
        "emails/proposal_state",
        user=proposal.proposer,
        context={
            "proposal": proposal,
            "dashboard_url": mail.absolute_url("/me/"),
            "event_url": mail.absolute_url(proposal.event.get_absolute_url())
            if proposal.event
            else "",
        },
    )


def approve(proposal, note="", now=None):
    """Publish the proposed session, with the proposer as its contact; `note` goes to
    the proposer with the news."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.state == Proposal.State.APPROVED:
            return proposal
        name = proposal.organisation.strip()
        host = Host.objects.filter(name__iexact=name).first() or Host.objects.create(
            name=name, slug=unique_host_slug(name)
        )
        event = Event(
            campaign=proposal.campaign,
            host=host,
            title=proposal.title,
            slug=Event.unique_slug(proposal.title, proposal.starts_on.year),
            # The summary is an excerpt, marked as one ("…") when the first line is long.
            summary=Truncator(proposal.description.strip().split("\n")[0]).chars(300),
            description=proposal.description,
            starts_on=proposal.starts_on,
            time_tbd=proposal.time_tbd,
            starts_at=proposal.starts_at,
            ends_at=proposal.ends_at,
            time_zone=proposal.time_zone,
            status=Event.Status.PUBLISHED,
            join_audience=Event.Audience.ATTENDEES,
            contact=proposal.proposer,
        )
        event.full_clean()
        event.save()
        JoinOption.objects.create(
            event=event,
            platform=proposal.platform,
            join_url=proposal.join_url,
            place=proposal.place,
        )
        proposal.event = event
        decide(proposal, Proposal.State.APPROVED, note, now)
    return proposal


def request_changes(proposal, note, now=None):
    with transaction.atomic():
        decide(proposal, Proposal.State.CHANGES_REQUESTED, note, now)


def decline(proposal, note, now=None):
    with transaction.atomic():
        decide(proposal, Proposal.State.DECLINED, note, now)


def decide(proposal, state, note, now=None):
    proposal.state = state
    proposal.organiser_note = note
    proposal.decided_at = now or timezone.now()
    proposal.save(update_fields=["state", "organiser_note", "decided_at", "event", "updated_at"])
    notify(proposal)


def unique_host_slug(name):
    base = slugify(name)[:90] or "host"
    slug, n = base, 2
    while Host.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
