from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import emails
        from accounts.organisers import sync_organisers_group
        from mentoring_hub import mail

        # The mail service skips non-essential mail a person turned off here.
        mail.OPT_OUTS.append(emails.opted_out_ids)

        # Permissions do not exist inside a migration on a fresh database; after
        # migrate they do, so the group is created and brought up to date here.
        post_migrate.connect(sync_organisers_group, dispatch_uid="accounts.sync_organisers")
