from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CascadeConfig(AppConfig):
    name = "rollout5g.cascade"
    label = "cascade"
    verbose_name = _("Provincial tasks carried down to the cities")
