"""Background jobs: a row per job, claimed by a worker, with progress the pages poll."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.accounts.choices import Role
from rollout5g.platform.access import AccessPolicy, RestrictedManager, grant


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED,
                              db_index=True)
    progress = models.FloatField(_("progress"), default=0.0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("organization"))
    # What the job is about (a coverage run, a recommendation…), so the owning page can find its jobs.
    subject_type = models.CharField(_("subject type"), max_length=60, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # A running job's worker touches this every few seconds; a job whose heartbeat stopped (the server or worker
    # was killed) is queued again by the next worker that looks.
    heartbeat_at = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    objects = RestrictedManager()
    # Each organization sees its own jobs; the programme office sees every job.
    access_policy = AccessPolicy(owner_path="organization", grants={"view": grant(*Role)},
                                 all_rows={"view": grant(Role.PROGRAM_OFFICE)},
                                 region_path="organization__region")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        return round(100 * min(max(self.progress, 0.0), 1.0))
