from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rollout5g.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import signals

        signals.connect()
