from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "rollout5g.cases"
    label = "cases"
    verbose_name = _("Power, relocation and incident cases")

    def ready(self):
        # The share of sites on direct supply comes from the registry and the completed conversions.
        from rollout5g.policy.indicators import register_source

        from .selectors import direct_supply_share_indicator

        register_source("cases.direct_supply_share", direct_supply_share_indicator)
