from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmfConfig(AppConfig):
    name = "rollout5g.emf"
    label = "emf"
    verbose_name = _("Public EMF information")

    def ready(self):
        # The answer clock of the public measurement requests is declared in the selectors; importing them
        # registers it with the platform's one periodic reminder check.
        from . import selectors  # noqa: F401
