"""Mentoring relationships: requests, mentorships, waiting lists, group memberships.

Every step that gives or frees a mentor's place runs with that mentor's profile row
locked (`select_for_update`), so two acceptances racing for the last place cannot both
succeed, and a freed place goes to one waiting mentee at a time. On SQLite, which
ignores row locks, the IMMEDIATE transaction mode (settings) serialises writers.
Each step emails the other side (after the commit, through mentoring_hub.mail), never
revealing an address: mail comes from the site.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import EmailKind
from mentoring.models import (
    Agreement,
    CheckIn,
    CloseOut,
    FitAnswer,
    Goal,
    GroupMeeting,
    GroupMembership,
    Meeting,
    MentoringGroup,
    Mentorship,
    MentorshipRequest,
    Message,
    WaitingListEntry,
)
from mentoring_hub import mail
from mentors import suggest
from mentors.models import Block, Profile, RoundPair

R = MentorshipRequest.Status
G = GroupMembership.Status
M = Mentorship.Status
MAX_OPEN_REQUESTS = 3  # a mentee's unanswered requests at any one time


class NotAllowed(Exception):
    """The step cannot be taken; the message says why, for the person who tried."""


class NoPlace(NotAllowed):
    """The mentor has no place left."""


def places_taken(mentor_ids):
    """{mentor profile id: active mentorships}."""
    rows = (
        Mentorship.objects.active()
        .filter(mentor__in=mentor_ids)
        .values("mentor")
        .annotate(n=Count("pk"))
    )
    return {row["mentor"]: row["n"] for row in rows}


def places_left(mentor):
    return max(mentor.capacity - places_taken([mentor.pk]).get(mentor.pk, 0), 0)


def mentees_with_a_mentor():
    return set(Mentorship.objects.active().values_list("mentee_id", flat=True).distinct())


# Answers to a person's own request are essential; every other notice is mentoring
# mail they may turn off (EmailKind.MENTORING, with unsubscribe headers).
ESSENTIAL = {"accepted", "declined"}


def notify(step, recipient, *, other, context=None):
    """Email one side of a relationship about a step (see emails/mentoring.txt)."""
    mail.send(
        "emails/mentoring",
        user=recipient.user,
        kind=None if step in ESSENTIAL else EmailKind.MENTORING,
        context={
            "step": step,
            "recipient": recipient,
            "other": other,
            "mentoring_url": mail.absolute_url(reverse("mentors:mentoring")),
            **(context or {}),
        },
    )


def _lock(mentor):
    """Lock the mentor's row: every decision about their places happens under it."""
    return Profile.objects.select_for_update().get(pk=mentor.pk)


def _check_can_ask(mentee, mentor):
    if not mentee.is_mentee:
        raise NotAllowed(_("Your profile says you are not looking for a mentor."))
    if mentee.pk == mentor.pk:
        raise NotAllowed(_("You cannot mentor yourself."))
    if not mentor.is_mentor or not mentor.accepting_mentees or not mentor.user.is_active:
        raise NotAllowed(_("%(name)s is not taking new mentees.") % {"name": mentor.display_name})
    if Block.objects.between(mentee.user_id, mentor.user_id).exists():
        raise NotAllowed(_("You cannot ask this mentor."))
    if Mentorship.objects.active().filter(mentor=mentor, mentee=mentee).exists():
        raise NotAllowed(_("%(name)s is already your mentor.") % {"name": mentor.display_name})


def ask(mentee, mentor, message, now=None):
    """A mentee's request to a mentor with places left. Raises NoPlace when the mentor
    is full (the mentee may join their waiting list instead) or NotAllowed."""
    now = now or timezone.now()
    with transaction.atomic():
        mentor = _lock(mentor)
        _check_can_ask(mentee, mentor)
        pending = MentorshipRequest.objects.pending().filter(mentee=mentee)
        if pending.filter(mentor=mentor).exists():
            raise NotAllowed(
                _("You already asked %(name)s; they have not answered yet.")
                % {"name": mentor.display_name}
            )
        if pending.count() >= MAX_OPEN_REQUESTS:
            raise NotAllowed(
                _(
                    "You have %(n)d requests waiting for an answer: withdraw one, or wait "
                    "for an answer, before asking someone else."
                )
                % {"n": MAX_OPEN_REQUESTS}
            )
        if places_left(mentor) <= 0:
            raise NoPlace(
                _("%(name)s has no places free right now.") % {"name": mentor.display_name}
            )
        request = MentorshipRequest.objects.create(
            mentee=mentee,
            mentor=mentor,
            message=message,
            created_at=now,
            expires_at=now + timedelta(days=settings.MENTORING_REQUEST_DAYS),
        )
        notify("asked", mentor, other=mentee, context={"request": request})
    return request


def _pending(request, profile, side):
    """The request, locked, if `profile` is its `side` and it is still open."""
    request = MentorshipRequest.objects.select_for_update().get(pk=request.pk)
    if getattr(request, f"{side}_id") != profile.pk:
        raise NotAllowed(_("This request is not yours to answer."))
    if request.status != R.PENDING:
        raise NotAllowed(
            _("This request was already %(status)s.") % {"status": request.get_status_display()}
        )
    return request


def accept(request, mentor, note="", now=None):
    """The mentor accepts: a mentorship starts if they have a place left."""
    now = now or timezone.now()
    with transaction.atomic():
        mentor = _lock(mentor)
        request = _pending(request, mentor, "mentor")
        if now >= request.expires_at:
            raise NotAllowed(_("This request expired before it was answered."))
        if places_left(mentor) <= 0:
            raise NoPlace(
                _(
                    "You have no places left: end a mentorship or offer more places on your "
                    "profile before accepting."
                )
            )
        if Block.objects.between(request.mentee.user_id, mentor.user_id).exists():
            raise NotAllowed(_("You cannot accept this request."))
        request.status, request.response_note, request.responded_at = R.ACCEPTED, note, now
        request.save(update_fields=["status", "response_note", "responded_at"])
        mentorship = Mentorship.objects.create(
            mentor=mentor,
            mentee=request.mentee,
            origin=Mentorship.Origin.REQUEST,
            request=request,
            started_at=now,
        )
        WaitingListEntry.objects.filter(mentee=request.mentee, mentor=mentor).delete()
        suggest.bump()  # one place fewer
        notify(
            "accepted",
            request.mentee,
            other=mentor,
            context={"request": request, "mentorship": mentorship},
        )
    return mentorship


def decline(request, mentor, note="", now=None):
    now = now or timezone.now()
    with transaction.atomic():
        request = _pending(request, mentor, "mentor")
        request.status, request.response_note, request.responded_at = R.DECLINED, note, now
        request.save(update_fields=["status", "response_note", "responded_at"])
        notify("declined", request.mentee, other=mentor, context={"request": request})
    return request


def withdraw(request, mentee, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        request = _pending(request, mentee, "mentee")
        request.status, request.responded_at = R.WITHDRAWN, now
        request.save(update_fields=["status", "responded_at"])
        notify("withdrawn", request.mentor, other=mentee, context={"request": request})
    return request


def expire_requests(now=None):
    """Close requests nobody answered in time and tell the mentee. Returns how many."""
    now = now or timezone.now()
    expired = 0
    due = MentorshipRequest.objects.pending().filter(expires_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            changed = (
                MentorshipRequest.objects.pending()
                .filter(pk=pk)
                .update(status=R.EXPIRED, responded_at=now)
            )
            if changed:
                request = MentorshipRequest.objects.select_related("mentee", "mentor").get(pk=pk)
                notify(
                    "expired", request.mentee, other=request.mentor, context={"request": request}
                )
                expired += 1
    return expired


def wait_for(mentee, mentor=None):
    """Join `mentor`'s waiting list, or (no mentor) the list for the next bulk round."""
    if not mentee.is_mentee:
        raise NotAllowed(_("Your profile says you are not looking for a mentor."))
    if mentor is not None:
        _check_can_ask(mentee, mentor)
    entry, _created = WaitingListEntry.objects.get_or_create(mentee=mentee, mentor=mentor)
    return entry


def end(mentorship, by, reason, now=None):
    """End a mentorship (either side); the freed place is offered to the first mentee
    waiting for this mentor, who is told by email."""
    now = now or timezone.now()
    if reason not in Mentorship.EndReason.values:
        raise NotAllowed(_("Choose why the mentorship ends."))
    with transaction.atomic():
        mentor = _lock(mentorship.mentor)
        mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
        if by.pk not in (mentorship.mentor_id, mentorship.mentee_id):
            raise NotAllowed(_("This mentorship is not yours."))
        if mentorship.status != M.ACTIVE:
            raise NotAllowed(_("This mentorship has already ended."))
        mentorship.status, mentorship.ended_at, mentorship.end_reason = M.ENDED, now, reason
        mentorship.save(update_fields=["status", "ended_at", "end_reason"])
        # Its meetings still to come are off: cancelled (a higher SEQUENCE) so both
        # calendar feeds drop them; after a block that is all the other side learns.
        mentorship.meetings.filter(starts_at__gte=now, cancelled=False).update(
            cancelled=True, sequence=F("sequence") + 1, updated_at=now
        )
        suggest.bump()  # a place is free again
        other = mentorship.other(by)
        if reason != Mentorship.EndReason.BLOCKED:
            notify("ended", other, other=by, context={"mentorship": mentorship})
        offer_freed_place(mentor, now)
    return mentorship


def offer_freed_place(mentor, now):
    """Tell the first mentee waiting for `mentor` (and not yet told) that a place is
    free: they still ask, and the mentor still answers."""
    if not mentor.accepting_mentees or places_left(mentor) <= 0:
        return None
    entry = (
        WaitingListEntry.objects.select_for_update()
        .filter(mentor=mentor, told_at__isnull=True, mentee__user__is_active=True)
        .select_related("mentee")
        .first()
    )
    if entry is not None:
        entry.told_at = now
        entry.save(update_fields=["told_at"])
        notify("place_open", entry.mentee, other=mentor)
    return entry


def on_block(sender, blocker, blocked, **kwargs):
    """Receiver of mentors.safety.blocked."""
    if blocker is not None:
        blocked_now(blocker, blocked)


def leave_waiting_list(entry):
    entry.delete()


def blocked_now(blocker_profile, blocked_profile, now=None):
    """After a block: close open requests between the two, end their mentorship (its
    meetings to come are cancelled) and part them in groups one of them facilitates."""
    now = now or timezone.now()
    pair = Q(mentee=blocker_profile, mentor=blocked_profile) | Q(
        mentee=blocked_profile, mentor=blocker_profile
    )
    MentorshipRequest.objects.pending().filter(pair).update(status=R.WITHDRAWN, responded_at=now)
    WaitingListEntry.objects.filter(pair).delete()
    for mentorship in Mentorship.objects.active().filter(pair):
        end(mentorship, blocker_profile, Mentorship.EndReason.BLOCKED, now)
    parted_by_block(blocker_profile, blocked_profile)


def publish_round(round):
    """Turn a published round's pairs into mentorships, best pairs first, each within
    the mentor's places at this moment; tell both people. Returns a note for the
    organiser saying what was skipped and why."""
    started = skipped_full = skipped_existing = skipped_blocked = 0
    pairs = RoundPair.objects.filter(round=round).select_related("mentee__user", "mentor__user")
    for pair in pairs.order_by("-pinned", "-score", "pk"):
        with transaction.atomic():
            mentor = _lock(pair.mentor)
            if Mentorship.objects.active().filter(mentor=mentor, mentee=pair.mentee).exists():
                skipped_existing += 1
                continue
            blocked = Block.objects.between(pair.mentee.user_id, mentor.user_id).exists()
            if blocked or not pair.mentee.user.is_active:
                skipped_blocked += 1
                continue
            if places_left(mentor) <= 0:
                skipped_full += 1
                continue
            mentorship = Mentorship.objects.create(
                mentor=mentor, mentee=pair.mentee, origin=Mentorship.Origin.ROUND, round=round
            )
            WaitingListEntry.objects.filter(mentee=pair.mentee, mentor__isnull=True).delete()
            context = {"mentorship": mentorship, "reasons": pair.reasons}
            notify("matched", pair.mentee, other=mentor, context=context)
            notify("matched", mentor, other=pair.mentee, context=context)
            started += 1
    suggest.bump()
    note = ngettext(
        "%(n)d mentorship started; both people were emailed.",
        "%(n)d mentorships started; both people in each were emailed.",
        started,
    ) % {"n": started}
    skipped = []
    if skipped_full:
        skipped.append(_("%(n)d skipped: the mentor had no place left") % {"n": skipped_full})
    if skipped_existing:
        skipped.append(_("%(n)d skipped: already together") % {"n": skipped_existing})
    if skipped_blocked:
        skipped.append(_("%(n)d skipped: a block or a closed account") % {"n": skipped_blocked})
    return " ".join([note, *(s + "." for s in skipped)])


# -- Inside a mentorship ---------------------------------------------------------------------


def side(mentorship, profile):
    """ "mentor" or "mentee": which side `profile` is on (NotAllowed if neither)."""
    if profile.pk == mentorship.mentor_id:
        return "mentor"
    if profile.pk == mentorship.mentee_id:
        return "mentee"
    raise NotAllowed(_("This mentorship is not yours."))


def require_active(mentorship, profile):
    """NotAllowed unless `profile` is in this mentorship and it is still active."""
    side(mentorship, profile)
    if mentorship.status != M.ACTIVE:
        raise NotAllowed(_("This mentorship has ended."))


def send_message(mentorship, sender, body, now=None):
    """A message to the other side, who is emailed a notice with a link (from the
    site: neither address is shown to the other)."""
    require_active(mentorship, sender)
    message = Message.objects.create(
        mentorship=mentorship, sender=sender, body=body, sent_at=now or timezone.now()
    )
    notify(
        "message",
        mentorship.other(sender),
        other=sender,
        context={"mentorship_url": mail.absolute_url(mentorship.get_absolute_url())},
    )
    return message


def save_agreement(mentorship, author, **fields):
    """Write the agreement; the author's confirmation stands, the other side's is
    cleared, since they have not seen this text."""
    require_active(mentorship, author)
    now = timezone.now()
    mine = f"{side(mentorship, author)}_confirmed_at"
    theirs = "mentee_confirmed_at" if mine == "mentor_confirmed_at" else "mentor_confirmed_at"
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().filter(mentorship=mentorship).first()
        agreement = agreement or Agreement(mentorship=mentorship, version=0)
        for name, value in {**fields, mine: now, theirs: None}.items():
            setattr(agreement, name, value)
        agreement.version += 1
        agreement.save()
    notify("agreement", mentorship.other(author), other=author)
    return agreement


def confirm_agreement(mentorship, profile, seen):
    """Confirm the agreement as it stood when `profile` read it (`seen`, its version):
    a change made meanwhile is not confirmed unseen."""
    require_active(mentorship, profile)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().filter(mentorship=mentorship).first()
        if agreement is None:
            raise NotAllowed(_("There is no agreement to confirm yet."))
        if str(agreement.version) != str(seen):
            raise NotAllowed(_("The agreement changed while you were reading it: read it again."))
        Agreement.objects.filter(pk=agreement.pk).update(
            **{f"{side(mentorship, profile)}_confirmed_at": timezone.now()}
        )


def first_meeting_passed(mentorship, now=None):
    now = now or timezone.now()
    return mentorship.meetings.filter(cancelled=False, starts_at__lte=now).exists()


def answer_fit(mentorship, profile, good_fit, now=None):
    """ "Is this a good fit?" after the first meeting. No ends the mentorship kindly
    and puts the mentee back in line for matching."""
    now = now or timezone.now()
    require_active(mentorship, profile)
    if not first_meeting_passed(mentorship, now):
        raise NotAllowed(_("You can answer after your first meeting."))
    answer, created = FitAnswer.objects.get_or_create(
        mentorship=mentorship,
        author=profile,
        defaults={"good_fit": good_fit, "answered_at": now},
    )
    if not created:
        raise NotAllowed(_("You already answered."))
    if not good_fit:
        end(mentorship, profile, Mentorship.EndReason.NOT_A_FIT, now)
        if not Mentorship.objects.active().filter(mentee=mentorship.mentee).exists():
            WaitingListEntry.objects.get_or_create(mentee=mentorship.mentee, mentor=None)
    return answer


def close_out(mentorship, profile, **fields):
    side(mentorship, profile)
    if mentorship.status != M.ENDED:
        raise NotAllowed(_("Feedback opens when the mentorship ends."))
    closeout, created = CloseOut.objects.get_or_create(
        mentorship=mentorship, author=profile, defaults=fields
    )
    if not created:
        raise NotAllowed(_("You already gave your feedback. Thank you."))
    return closeout


def add_goal(mentorship, profile, **fields):
    require_active(mentorship, profile)
    return Goal.objects.create(mentorship=mentorship, **fields)


def update_goal(goal, profile):
    """Save `goal`'s new next steps or status (changed on the instance)."""
    require_active(goal.mentorship, profile)
    goal.save(update_fields=["next_steps", "status"])
    return goal


def add_checkin(mentorship, author, **fields):
    require_active(mentorship, author)
    return CheckIn.objects.create(mentorship=mentorship, author=author, **fields)


def schedule_meeting(mentorship, author, **fields):
    require_active(mentorship, author)
    meeting = Meeting.objects.create(mentorship=mentorship, created_by=author, **fields)
    notify(
        "meeting",
        mentorship.other(author),
        other=author,
        context={
            "meeting": meeting,
            "mentorship_url": mail.absolute_url(mentorship.get_absolute_url()),
        },
    )
    return meeting


def cancel_meeting(meeting, profile):
    require_active(meeting.mentorship, profile)
    if meeting.cancelled:
        raise NotAllowed(_("This meeting is already cancelled."))
    Meeting.objects.filter(pk=meeting.pk).update(
        cancelled=True, sequence=meeting.sequence + 1, updated_at=timezone.now()
    )
    notify(
        "meeting_cancelled",
        meeting.mentorship.other(profile),
        other=profile,
        context={"meeting": meeting},
    )


def leaving(user):
    """Before an account is deleted: end its mentorships (the other side is told and
    the mentor's place offered on), close its open requests, and leave its groups (a
    freed place goes to the first person waiting)."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return
    for pair in Mentorship.objects.active().involving(profile):
        end(pair, profile, Mentorship.EndReason.OTHER)
    MentorshipRequest.objects.pending().involving(profile).update(
        status=R.WITHDRAWN, responded_at=timezone.now()
    )
    for membership in profile.group_memberships.members().select_related("group"):
        leave_group(membership.group, profile)


# -- Groups -----------------------------------------------------------------------------------


def notify_group(step, recipient, group, context=None):
    mail.send(
        "emails/group",
        user=recipient.user,
        context={
            "step": step,
            "recipient": recipient,
            "group": group,
            "group_url": mail.absolute_url(group.get_absolute_url()),
            **(context or {}),
        },
    )


def visible_groups(profile):
    """Groups a member may see: all but those whose facilitator blocked them (or whom
    they blocked)."""
    groups = MentoringGroup.objects.select_related("topic", "facilitator")
    if profile is not None:
        groups = groups.exclude(Block.involving("facilitator__user", profile.user_id))
    return groups


def group_meetings_of(user, since):
    """Meetings of the groups `user` facilitates or belongs to (for feeds), but none of
    a group whose facilitator and `user` are on either side of a block."""
    return (
        GroupMeeting.objects.filter(
            Q(group__facilitator__user=user)
            | Q(group__memberships__profile__user=user, group__memberships__status=G.MEMBER),
            starts_at__gte=since,
        )
        .exclude(Block.involving("group__facilitator__user", user.pk))
        .distinct()
    )


def start_group(group, facilitator):
    """A member starts an accountability group (`group`, filled from the form) and
    facilitates it."""
    group.kind = MentoringGroup.Kind.ACCOUNTABILITY
    group.facilitator = facilitator
    group.save()
    return group


def schedule_group_meeting(group, **fields):
    """A meeting in every member's calendar feed; members are told by email (not
    those on either side of a block with the facilitator)."""
    meeting = GroupMeeting.objects.create(group=group, **fields)
    members = group.memberships.members().select_related("profile__user")
    # A block ends the membership (parted_by_block); this also holds for older rows.
    members = members.exclude(Block.involving("profile__user", group.facilitator.user_id))
    for member in members:
        notify_group("meeting", member.profile, group, {"meeting": meeting})
    return meeting


def members_count(group):
    return group.memberships.members().count()


def join_group(group, profile, answer="", now=None):
    """Join (open groups: a place, or the waiting list when full) or apply (groups
    by application). Returns the membership."""
    now = now or timezone.now()
    with transaction.atomic():
        group = MentoringGroup.objects.select_for_update().get(pk=group.pk)
        if profile.pk == group.facilitator_id:
            raise NotAllowed(_("You facilitate this group."))
        if not group.accepting:
            raise NotAllowed(_("This group is not taking new members."))
        if Block.objects.between(group.facilitator.user_id, profile.user_id).exists():
            raise NotAllowed(_("You cannot join this group."))
        current = group.memberships.filter(profile=profile).first()
        if current and current.status in (G.MEMBER, G.WAITING, G.APPLIED):
            return current
        if group.sign_up == MentoringGroup.SignUp.APPLICATION:
            if not answer.strip():
                raise NotAllowed(_("Answer the facilitator's question to apply."))
            status = G.APPLIED
        elif members_count(group) < group.size_limit:
            status = G.MEMBER
        else:
            status = G.WAITING
        membership, _created = GroupMembership.objects.update_or_create(
            group=group,
            profile=profile,
            defaults={"status": status, "answer": answer, "queued_at": now},
        )
        if status == G.APPLIED:
            notify_group("applied", group.facilitator, group, {"applicant": profile})
        else:
            notify_group("joined" if status == G.MEMBER else "waiting", profile, group)
    return membership


def review_application(membership, facilitator, approve):
    """The facilitator approves (a place, or the waiting list when full) or declines."""
    with transaction.atomic():
        group = MentoringGroup.objects.select_for_update().get(pk=membership.group_id)
        if facilitator.pk != group.facilitator_id:
            raise NotAllowed(_("Only the facilitator reviews applications."))
        membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
        if membership.status != G.APPLIED:
            raise NotAllowed(_("This application was already answered."))
        if not approve:
            membership.status = G.DECLINED
        elif members_count(group) < group.size_limit:
            membership.status = G.MEMBER
        else:
            membership.status = G.WAITING
        membership.save(update_fields=["status"])
        notify_group(
            {G.DECLINED: "declined", G.MEMBER: "joined", G.WAITING: "waiting"}[membership.status],
            membership.profile,
            group,
        )
    return membership


def leave_group(group, profile):
    """Leave a group or its waiting list; a freed place goes to the first waiting."""
    with transaction.atomic():
        group = MentoringGroup.objects.select_for_update().get(pk=group.pk)
        membership = group.memberships.current().filter(profile=profile).first()
        if membership is None:
            raise NotAllowed(_("You are not in this group."))
        was_member = membership.status == G.MEMBER
        membership.status = G.LEFT
        membership.save(update_fields=["status"])
        promoted = None
        if was_member and members_count(group) < group.size_limit:
            promoted = group.memberships.filter(status=G.WAITING).order_by("queued_at", "pk")
            promoted = promoted.select_related("profile__user").first()
            if promoted is not None:
                promoted.status = G.MEMBER
                promoted.save(update_fields=["status"])
                notify_group("promoted", promoted.profile, group)
    return promoted


def parted_by_block(a, b):
    """After a block between profiles `a` and `b`: whichever is in, waiting for or
    applying to a group the other facilitates leaves it, without a word to them (a
    freed place goes to the first person waiting, as when anyone leaves)."""
    memberships = (
        GroupMembership.objects.current()
        .filter(Q(group__facilitator=a, profile=b) | Q(group__facilitator=b, profile=a))
        .select_related("group", "profile")
    )
    for membership in memberships:
        leave_group(membership.group, membership.profile)
