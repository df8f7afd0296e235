from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    name = "rollout5g.permits"
    label = "permits"
    verbose_name = _("One-stop approval")
