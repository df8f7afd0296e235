from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "rollout5g.sites"
    label = "sites"
    verbose_name = _("Site registry")

    def ready(self):
        # The base-station indicator's actual values come from the registry, never from a report.
        from rollout5g.policy.indicators import register_source

        from .selectors import on_air_base_stations_indicator

        register_source("registry.on_air_base_stations", on_air_base_stations_indicator)
