from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "rollout5g.cases"
    label = "cases"
    verbose_name = _("Power, relocation and incident cases")
