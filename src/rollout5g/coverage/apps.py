from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "rollout5g.coverage"
    label = "coverage"
    verbose_name = _("Coverage")

    def ready(self):
        # Coverage indicators (source "coverage.share" in the policy documents) take their value from the latest
        # whole-network coverage run.
        from rollout5g.policy.indicators import register_source

        from .selectors import coverage_share_indicator

        register_source("coverage.share", coverage_share_indicator)
