from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "rollout5g.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        # Every app declares its job handlers in <app>/jobs.py, the way the admin finds admin.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
