from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "rollout5g.policy"
    label = "policy"
    verbose_name = _("Policy")

    def ready(self):
        # Values computed from the data (policy.cache) are recomputed when this process writes a row, too.
        from .cache import connect_signals

        connect_signals()
