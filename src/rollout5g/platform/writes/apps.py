from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WritesConfig(AppConfig):
    name = "rollout5g.platform.writes"
    label = "writes"
    verbose_name = _("Write safety")
