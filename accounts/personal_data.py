"""A person's own data: everything we hold about them as JSON, and account deletion.

Each app contributes: EXPORTERS are callables (user) -> {section: data}; BEFORE_DELETE
are callables (user) run inside the deletion's transaction before the user row goes
(to release what others are waiting for, such as a confirmed place in a session).
Records others must keep point at nobody afterwards and read "former member".
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

EXPORTERS = []
BEFORE_DELETE = []


def iso(value):
    return value.isoformat() if value else None


def export_account(user):
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
            "confirmed_18_or_over_at": iso(user.adult_confirmed_at),
            "terms_version": user.terms_version,
            "terms_accepted_at": iso(user.terms_accepted_at),
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("email")
            ],
            "emails_turned_off": sorted(user.email_opt_outs.values_list("kind", flat=True)),
        }
    }


def export(user):
    data = {"exported_at": timezone.now().isoformat(), **export_account(user)}
    for exporter in EXPORTERS:
        data.update(exporter(user))
    return data


def delete_account(user):
    with transaction.atomic():
        for hook in BEFORE_DELETE:
            hook(user)
        user.delete()
