from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardConfig(AppConfig):
    name = "rollout5g.safeguard"
    label = "safeguard"
    verbose_name = _("Security of critical 5G facilities")

    def ready(self):
        # The response and re-assessment clocks are declared in the selectors; importing them registers them with the
        # platform's one periodic reminder check.
        from . import selectors  # noqa: F401
