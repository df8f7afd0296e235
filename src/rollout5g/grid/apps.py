from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "rollout5g.grid"
    label = "grid"
    verbose_name = _("Power supply assurance")

    def ready(self):
        # The rectification clock of the special-check findings is declared in the selectors; importing them
        # registers it with the platform's one periodic reminder check.
        from . import selectors  # noqa: F401
