from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpectrumConfig(AppConfig):
    name = "rollout5g.spectrum"
    label = "spectrum"
    verbose_name = _("Spectrum interference")

    def ready(self):
        # The investigation clock is declared in the selectors; importing them registers it with the platform's one
        # periodic reminder check.
        from . import selectors  # noqa: F401
