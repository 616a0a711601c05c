"""Members keeping themselves safe: reports to organisers and blocks.

Other apps learn of a block through the `blocked` signal (mentoring ends the pair's
requests, mentorship and shared groups), so this app never imports them.
"""

from django.db import IntegrityError, transaction
from django.dispatch import Signal

from mentors.models import Block, Profile, Report

# Sent inside the block's transaction with `blocker` (the blocker's profile, or None
# for a member without one) and `blocked` (the blocked member's profile).
blocked = Signal()


def block(user, profile):
    """`user` blocks the member whose profile is `profile` (again is harmless)."""
    with transaction.atomic():
        Block.objects.get_or_create(blocker=user, blocked=profile.user)
        blocked.send(sender=Block, blocker=Profile.objects.of(user), blocked=profile)


def unblock(user, block_id):
    """Lift one of `user`'s own blocks. Whether there was one to lift."""
    deleted, _rows = Block.objects.filter(pk=block_id, blocker=user).delete()
    return bool(deleted)


def report(report, reporter, profile):
    """File `report` (reason and note filled in) by `reporter` about `profile`, unless
    an open report of theirs about it is waiting already. Whether it was filed."""
    if Report.objects.filter(
        reporter=reporter, profile=profile, status=Report.Status.OPEN
    ).exists():
        return False
    report.reporter, report.profile = reporter, profile
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same report, sent twice at once
        return False
    return True
