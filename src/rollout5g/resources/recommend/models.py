"""The recommendation as a record: the jobs of kind :data:`~.config.JOB_KIND` seen through a proxy model that declares
who runs a recommendation and who turns its proposals into sites (no table of its own; the job holds the
parameters and the result)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rollout5g.jobs.models import Job, JobStatus
from rollout5g.platform.access import ADD, VIEW, AccessPolicy, RestrictedQuerySet, grant
from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.workflow import Action

from .config import JOB_KIND

#: Operators (and the tower company, which has the operator role) plan their own network's sites.
OPERATORS = grant(Role.OPERATOR)


class RecommendationManager(models.Manager.from_queryset(RestrictedQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=JOB_KIND)


class Recommendation(Job):
    """A site recommendation: a background job of kind ``resources.recommend`` whose result lists the proposals.

    Operators run recommendations for their own network and see their organization's; the programme office runs
    them for any operator and sees all. Turning proposals into site requests or special-plan entries is the
    declared action ``convert``, open once the job has succeeded."""

    objects = RecommendationManager()
    access_policy = AccessPolicy(
        owner_path="organization",
        grants={VIEW: OPERATORS, ADD: OPERATORS},
        all_rows={VIEW: PROGRAM_OFFICE_ONLY, ADD: PROGRAM_OFFICE_ONLY},
        actions={
            "convert": Action(_("turn proposals into sites"), roles=OPERATORS, all_rows=PROGRAM_OFFICE_ONLY,
                              path="organization", field="status", source=(JobStatus.SUCCEEDED,),
                              condition=Q(result__isnull=False), doc=_("the recommendation has no result")),
        },
        region_path="organization__region",
    )

    class Meta:
        proxy = True
        app_label = "resources"
        ordering = ["-id"]
        verbose_name = _("site recommendation")
        verbose_name_plural = _("site recommendations")
