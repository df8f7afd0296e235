from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "rollout5g.incentives"
    label = "incentives"
    verbose_name = _("Industry and incentives")

    def ready(self):
        # The registry computes the industry indicators of both documents (leading firms, clusters, parks,
        # joint innovation centres, smart-manufacturing demos) instead of values typed in by hand.
        from rollout5g.policy.indicators import register_source

        from .selectors import SOURCES

        for name, func in SOURCES.items():
            register_source(name, func)
