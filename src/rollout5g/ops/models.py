"""The job workers' heartbeat: readiness and ``rollout5g doctor`` know whether any worker is alive."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.access import AccessPolicy, RestrictedManager


class WorkerHeartbeat(models.Model):
    """One job worker (a thread of ``rollout5g serve --dev`` / ``demo``, or a ``rollout5g worker`` process), with
    the last time it was seen. Written by the worker's periodic check every few seconds; rows of workers silent
    for a day are deleted."""

    name = models.CharField(_("worker"), max_length=150, unique=True)
    hostname = models.CharField(_("host"), max_length=100)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("first seen"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    objects = RestrictedManager()
    access_policy = AccessPolicy()  # operational data: superusers only

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return self.name
