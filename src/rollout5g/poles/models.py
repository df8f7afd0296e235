"""The smart-pole programme (多杆合一、智慧杆塔; Jiaxing 二(一)4-2, Zhejiang tasks 5, 8 and 9).

- :class:`PoleConsolidation`: existing poles merged into one smart pole (多杆合一): the smart pole (an open-list
  resource where it is one, else named), each merged pole (:class:`MergedPole`: an open-list resource where it is
  one, else described), planned then consolidated on a date.
- :class:`RetrofitBatch`: a batch of existing poles retrofitted in a year (对存量杆塔分批进行改造): planned count, done
  count reported by the responsible unit, progress.
- :class:`StandardDocument`: the design guide and the local standards (title, number, publisher, publication date,
  the policy task it fulfils); the task's deadline (Zhejiang 9: 2020-09-30) is shown as met or late.
- :class:`FutureCommunity`: a 未来社区 project with its pole plan (smart poles planned, poles to be removed) and the
  consolidations done in it.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import DomainModel
from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.workflow import Action

from .choices import CommunityState, ConsolidationState, DocumentKind, PoleKind

#: Who builds and reports: the tower company and operators, the resource owners (road lights, signals), departments.
BUILDERS = grant(Role.OPERATOR, Role.RESOURCE_OWNER, Role.DEPARTMENT)
DEPARTMENTS = grant(Role.DEPARTMENT)
PROFESSIONALS = grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT, Role.OPERATOR, Role.RESOURCE_OWNER)


class RetrofitBatch(DomainModel):
    """A batch of existing poles to retrofit to the smart-pole standard in a year (public figures)."""

    code = models.CharField(_("batch number"), max_length=30, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=150)
    region = models.ForeignKey("regions.Region", verbose_name=_("county"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", help_text=_("Empty: every county"))
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("responsible unit"),
                                     on_delete=models.PROTECT, related_name="+")
    planned_count = models.PositiveIntegerField(_("poles planned"))
    done_count = models.PositiveIntegerField(_("poles done"), default=0)
    reported_on = models.DateField(_("progress reported on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path="organization", public=models.Q(), all_rows={"add": PROGRAM_OFFICE_ONLY},
        actions={
            "report": Action(_("Report the progress"), roles=BUILDERS, all_rows=PROGRAM_OFFICE_ONLY,
                             path="organization"),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("retrofit batch")
        verbose_name_plural = _("retrofit batches")

    def __str__(self):
        return f"{self.year} {self.title}"

    @property
    def progress(self) -> float:
        """Share done (0..1; 1 when nothing was planned)."""
        return min(self.done_count / self.planned_count, 1.0) if self.planned_count else 1.0

    @property
    def percent(self) -> float:
        return self.progress * 100.0


class FutureCommunity(DomainModel):
    """A 未来社区 project and its pole plan (统筹"多杆合一"与"未来社区")."""

    code = models.CharField(_("project number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=150)
    region = models.ForeignKey("regions.Region", verbose_name=_("county"), on_delete=models.PROTECT,
                               related_name="+")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("responsible unit"),
                                     on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=CommunityState.choices,
                             default=CommunityState.PLANNING)
    planned_smart_poles = models.PositiveIntegerField(_("smart poles planned"))
    planned_removed_poles = models.PositiveIntegerField(_("existing poles to merge"), default=0)
    plan = models.TextField(_("pole plan"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path="organization", public=models.Q(), grants={"add": DEPARTMENTS},
        all_rows={"add": PROGRAM_OFFICE_ONLY},
        actions={
            "plan": Action(_("Change the pole plan"), roles=DEPARTMENTS, all_rows=PROGRAM_OFFICE_ONLY,
                           path="organization", source=(CommunityState.PLANNING, CommunityState.BUILDING)),
            "start": Action(_("Start building"), roles=DEPARTMENTS, all_rows=PROGRAM_OFFICE_ONLY,
                            path="organization", source=(CommunityState.PLANNING,), target=CommunityState.BUILDING),
            "complete": Action(_("Complete"), roles=DEPARTMENTS, all_rows=PROGRAM_OFFICE_ONLY, path="organization",
                               source=(CommunityState.BUILDING,), target=CommunityState.COMPLETED),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("future community")
        verbose_name_plural = _("future communities")

    def __str__(self):
        return self.name


class PoleConsolidation(DomainModel):
    """Existing poles merged into one smart pole (多杆合一)."""

    code = models.CharField(_("consolidation number"), max_length=30, unique=True)
    smart_pole = models.ForeignKey("resources.PublicResource", verbose_name=_("smart pole (open list)"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    smart_pole_name = models.CharField(_("smart pole"), max_length=150)
    region = models.ForeignKey("regions.Region", verbose_name=_("county"), on_delete=models.PROTECT,
                               related_name="+")
    place = models.CharField(_("place"), max_length=200)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("responsible unit"),
                                     on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=ConsolidationState.choices,
                             default=ConsolidationState.PLANNED)
    done_on = models.DateField(_("consolidated on"), null=True, blank=True)
    batch = models.ForeignKey(RetrofitBatch, verbose_name=_("retrofit batch"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="consolidations")
    community = models.ForeignKey(FutureCommunity, verbose_name=_("future community"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="consolidations")
    note = models.TextField(_("note"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path="organization", grants={"view": BUILDERS, "add": BUILDERS},
        all_rows={"view": grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT), "add": PROGRAM_OFFICE_ONLY},
        actions={
            "complete": Action(_("Record the consolidation done"), roles=BUILDERS, all_rows=PROGRAM_OFFICE_ONLY,
                               path="organization", source=(ConsolidationState.PLANNED,),
                               target=ConsolidationState.DONE),
            "cancel": Action(_("Cancel"), roles=BUILDERS, all_rows=PROGRAM_OFFICE_ONLY, path="organization",
                             source=(ConsolidationState.PLANNED,), target=ConsolidationState.CANCELLED),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["-created_at", "-code"]
        verbose_name = _("pole consolidation")
        verbose_name_plural = _("pole consolidations")

    def __str__(self):
        return f"{self.code} {self.smart_pole_name}"


class MergedPole(DomainModel):
    """One existing pole merged into the smart pole of a consolidation."""

    consolidation = models.ForeignKey(PoleConsolidation, verbose_name=_("consolidation"), on_delete=models.CASCADE,
                                      related_name="poles")
    resource = models.ForeignKey("resources.PublicResource", verbose_name=_("pole (open list)"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=PoleKind.choices)
    description = models.CharField(_("pole"), max_length=200)
    owner_name = models.CharField(_("owner"), max_length=150, blank=True)

    access_policy = AccessPolicy(
        owner_path="consolidation__organization", grants={"view": BUILDERS},
        all_rows={"view": grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT)},
        region_path="consolidation__region",
    )

    class Meta:
        ordering = ["consolidation", "pk"]
        verbose_name = _("merged pole")
        verbose_name_plural = _("merged poles")

    def __str__(self):
        return self.description


class StandardDocument(DomainModel):
    """A design guide, local standard or specification of the smart poles, with its publication date and the policy
    task it fulfils."""

    code = models.CharField(_("entry number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number"), max_length=80, blank=True)
    publisher = models.CharField(_("publisher"), max_length=150)
    published_on = models.DateField(_("published on"))
    task = models.ForeignKey("policy.PolicyTask", verbose_name=_("task it fulfils"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    link = models.URLField(_("link"), blank=True)
    note = models.TextField(_("note"), blank=True)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("entered by"),
                                     on_delete=models.PROTECT, related_name="+")
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path="organization", public=models.Q(), grants={"add": DEPARTMENTS, "change": DEPARTMENTS},
        all_rows={"add": PROGRAM_OFFICE_ONLY, "change": PROGRAM_OFFICE_ONLY},
    )

    class Meta:
        ordering = ["-published_on", "code"]
        verbose_name = _("standard document")
        verbose_name_plural = _("standard documents")

    def __str__(self):
        return self.title

    @property
    def deadline(self) -> dt.date | None:
        return self.task.deadline if self.task_id else None

    @property
    def days_late(self) -> int | None:
        """Calendar days after the task's deadline (0 when on time; None without a deadline)."""
        if self.deadline is None:
            return None
        return max((self.published_on - self.deadline).days, 0)

    @property
    def timeliness(self) -> str:
        """``"met"``, ``"late"`` or ``"none"`` (no deadline)."""
        if self.deadline is None:
            return "none"
        return "met" if self.published_on <= self.deadline else "late"
