"""A person's email preferences: the kinds of non-essential mail they turned off, and
whether changes to their sessions come as one daily digest.

The mail service asks `opted_out_ids` before queueing non-essential mail; it knows no
app, so AccountsConfig.ready() registers it there (mentoring_hub.mail.OPT_OUTS).
"""

from django.db import transaction

from accounts.models import EmailOptOut


def opted_out_kinds(user):
    return set(user.email_opt_outs.values_list("kind", flat=True))


def opted_out_ids(user_ids, kind):
    """Those of `user_ids` who turned `kind` off, in one query."""
    return set(
        EmailOptOut.objects.filter(user__in=user_ids, kind=kind).values_list("user", flat=True)
    )


def opt_out(user, kind):
    """Turn one kind of mail off (the unsubscribe link); doing it twice changes nothing."""
    EmailOptOut.objects.get_or_create(user=user, kind=kind)


def set_opt_outs(user, kinds):
    """Make `kinds` exactly the person's opted-out kinds."""
    with transaction.atomic():
        EmailOptOut.objects.filter(user=user).exclude(kind__in=kinds).delete()
        for kind in kinds:
            EmailOptOut.objects.get_or_create(user=user, kind=kind)


def save_preferences(user, *, opted_out, digest_daily):
    """The preferences page: exactly these kinds turned off, and the digest on or off."""
    set_opt_outs(user, opted_out)
    user.digest_daily = digest_daily
    user.save(update_fields=["digest_daily"])
