from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConstructionConfig(AppConfig):
    name = "rollout5g.construction"
    label = "construction"
    verbose_name = _("5G facilities of construction projects")

    def ready(self):
        # Supervision reads the accepted projects from here (Zhejiang 2/4/5); the design-review clock is declared
        # in the selectors, which this import registers with the platform's one periodic reminder check.
        from rollout5g.policy.indicators import register_source

        from .selectors import accepted_projects_indicator, accepted_share_indicator

        register_source("construction.projects_accepted", accepted_projects_indicator)
        register_source("construction.accepted_share", accepted_share_indicator)
