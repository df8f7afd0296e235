from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "rollout5g.resources"
    label = "resources"
    verbose_name = _("Open list of public facilities")

    def ready(self):
        # registers the periodic checks of the open list with the job worker
        from . import reminders  # noqa: F401
