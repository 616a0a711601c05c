from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts.organisers import sync_organisers_group

        # Permissions do not exist inside a migration on a fresh database; after
        # migrate they do, so the group is created and brought up to date here.
        post_migrate.connect(sync_organisers_group, dispatch_uid="accounts.sync_organisers")
