"""5G supporting facilities of construction projects (Zhejiang tasks 2, 4, 5; Jiaxing 二(一)2).

A construction project (housing, a public building, a municipal road, a transport hub, an old-district renewal)
registers the 5G facilities it must reserve — computed from the construction guideline (:class:`FacilityGuideline`,
data the programme office edits) — and the ones its design reserves; the planning and the construction departments
each review the design (:class:`DesignReview`, a working-day clock each); the project is built; completion
acceptance checks what was built against what was reserved, and the reserved sites (:class:`ReservedSite`) then
enter the registry's special plan as planned sites (through ``rollout5g.sites.services``).
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.core.workdays import Clock
from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import Decided, DomainModel
from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.workflow import Action
from rollout5g.sites.choices import SiteType

from .choices import LENGTH_KINDS, ProjectKind, ProjectState, ReviewDecision, ReviewKind

#: Who builds: a developer (a state-owned group, a property firm, a public body that owns the building).
DEVELOPERS = grant(Role.RESOURCE_OWNER, Role.ENTERPRISE)
#: The reviewing departments (planning, construction).
DEPARTMENTS = grant(Role.DEPARTMENT)
#: Everyone a project concerns: its developer, its departments, the operator its sites are reserved for.
PARTIES = grant(Role.RESOURCE_OWNER, Role.ENTERPRISE, Role.DEPARTMENT, Role.OPERATOR)
REVIEWERS = ("planning_department", "construction_department")


class FacilityGuideline(DomainModel):
    """What a kind of project must reserve, by size: the construction guideline as data.

    sites = max(minimum sites, ⌈size ÷ size per site⌉); power and roof space scale with the sites; the machine room
    and the duct holes are per project. The shipped rows are the programme office's defaults (``is_default``):
    the seeds name the facilities but set no figure."""

    kind = models.CharField(_("project kind"), max_length=20, choices=ProjectKind.choices, unique=True)
    size_per_site = models.DecimalField(_("size per site (m² GFA, or km of road)"), max_digits=12, decimal_places=3)
    min_sites = models.PositiveSmallIntegerField(_("minimum sites"), default=1)
    machine_room_m2 = models.DecimalField(_("machine room per project [m²]"), max_digits=8, decimal_places=1)
    power_kw_per_site = models.DecimalField(_("power per site [kW]"), max_digits=8, decimal_places=1)
    duct_holes = models.PositiveSmallIntegerField(_("duct holes per project"))
    roof_m2_per_site = models.DecimalField(_("roof space per site [m²]"), max_digits=8, decimal_places=1)
    is_default = models.BooleanField(_("programme office default"), default=True,
                                     help_text=_("A default of the programme office, not a figure of a document"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    access_policy = AccessPolicy(public=models.Q(), all_rows={a: PROGRAM_OFFICE_ONLY for a in ("add", "change")})

    class Meta:
        ordering = ["kind"]
        verbose_name = _("construction guideline")
        verbose_name_plural = _("construction guideline")

    def __str__(self):
        return self.get_kind_display()

    def required(self, size: Decimal) -> dict[str, Decimal | int]:
        """The facilities a project of ``size`` (m² GFA or km) must reserve."""
        size = Decimal(size)
        sites = max(self.min_sites, math.ceil(size / self.size_per_site)) if size > 0 else self.min_sites
        return {
            "sites": sites,
            "machine_room_m2": self.machine_room_m2,
            "power_kw": self.power_kw_per_site * sites,
            "duct_holes": self.duct_holes,
            "roof_m2": self.roof_m2_per_site * sites,
        }


class ConstructionProject(DomainModel):
    """A new building, municipal work, housing estate, transport hub or renewal area and its 5G facilities: required
    (from the guideline when registered), reserved (the design), built (at completion acceptance)."""

    code = models.CharField(_("project number"), max_length=30, unique=True)
    name = models.CharField(_("project name"), max_length=150)
    kind = models.CharField(_("project kind"), max_length=20, choices=ProjectKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("county"), on_delete=models.PROTECT,
                               related_name="construction_projects")
    address = models.CharField(_("address"), max_length=300, blank=True)
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    size = models.DecimalField(_("size (m² GFA, or km of road)"), max_digits=12, decimal_places=3)
    developer = models.ForeignKey("organizations.Organization", verbose_name=_("developer"),
                                  on_delete=models.PROTECT, related_name="+")
    planning_department = models.ForeignKey("organizations.Organization", verbose_name=_("planning department"),
                                            on_delete=models.PROTECT, related_name="+")
    construction_department = models.ForeignKey("organizations.Organization",
                                                verbose_name=_("construction department"),
                                                on_delete=models.PROTECT, related_name="+")
    operator = models.ForeignKey("organizations.Organization", verbose_name=_("sites reserved for"),
                                 on_delete=models.PROTECT, related_name="+",
                                 help_text=_("The tower company or operator the reserved sites are planned for"))
    state = models.CharField(_("state"), max_length=20, choices=ProjectState.choices,
                             default=ProjectState.REGISTERED)
    required_sites = models.PositiveSmallIntegerField(_("required: sites"), default=0)
    required_machine_room_m2 = models.DecimalField(_("required: machine room [m²]"), max_digits=8, decimal_places=1,
                                                  default=0)
    required_power_kw = models.DecimalField(_("required: power [kW]"), max_digits=8, decimal_places=1, default=0)
    required_duct_holes = models.PositiveSmallIntegerField(_("required: duct holes"), default=0)
    required_roof_m2 = models.DecimalField(_("required: roof space [m²]"), max_digits=8, decimal_places=1, default=0)
    reserved_sites = models.PositiveSmallIntegerField(_("reserved: sites"), default=0)
    reserved_machine_room_m2 = models.DecimalField(_("reserved: machine room [m²]"), max_digits=8, decimal_places=1,
                                                  default=0)
    reserved_power_kw = models.DecimalField(_("reserved: power [kW]"), max_digits=8, decimal_places=1, default=0)
    reserved_duct_holes = models.PositiveSmallIntegerField(_("reserved: duct holes"), default=0)
    reserved_roof_m2 = models.DecimalField(_("reserved: roof space [m²]"), max_digits=8, decimal_places=1, default=0)
    built_sites = models.PositiveSmallIntegerField(_("built: sites"), default=0)
    built_machine_room_m2 = models.DecimalField(_("built: machine room [m²]"), max_digits=8, decimal_places=1,
                                                  default=0)
    built_power_kw = models.DecimalField(_("built: power [kW]"), max_digits=8, decimal_places=1, default=0)
    built_duct_holes = models.PositiveSmallIntegerField(_("built: duct holes"), default=0)
    built_roof_m2 = models.DecimalField(_("built: roof space [m²]"), max_digits=8, decimal_places=1, default=0)
    review_round = models.PositiveSmallIntegerField(_("design review round"), default=0)
    registered_on = models.DateField(_("registered on"))
    design_approved_on = models.DateField(_("design approved on"), null=True, blank=True)
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    acceptance_requested_on = models.DateField(_("acceptance requested on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    acceptance_findings = models.TextField(_("acceptance findings"), blank=True)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("registered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path=("developer", "planning_department", "construction_department", "operator"),
        grants={"view": PARTIES, "add": DEVELOPERS},
        all_rows={"view": PROGRAM_OFFICE_ONLY, "add": PROGRAM_OFFICE_ONLY},
        actions={
            "design": Action(_("Record the design's facilities"), roles=DEVELOPERS, all_rows=PROGRAM_OFFICE_ONLY,
                             path="developer", source=(ProjectState.REGISTERED, ProjectState.RETURNED)),
            "submit": Action(_("Submit for design review"), roles=DEVELOPERS, all_rows=PROGRAM_OFFICE_ONLY,
                             path="developer", source=(ProjectState.REGISTERED, ProjectState.RETURNED),
                             target=ProjectState.IN_REVIEW),
            "approve_design": Action(_("Design approved by both departments"), roles=DEPARTMENTS, path=REVIEWERS,
                                     source=(ProjectState.IN_REVIEW,), target=ProjectState.DESIGN_APPROVED,
                                     system=False),
            "return_design": Action(_("Return the design for revision"), roles=DEPARTMENTS, path=REVIEWERS,
                                    source=(ProjectState.IN_REVIEW,), target=ProjectState.RETURNED, system=False),
            "start": Action(_("Start construction"), roles=DEVELOPERS, all_rows=PROGRAM_OFFICE_ONLY,
                            path="developer", source=(ProjectState.DESIGN_APPROVED,), target=ProjectState.BUILDING),
            "request_acceptance": Action(_("Request completion acceptance"), roles=DEVELOPERS,
                                         all_rows=PROGRAM_OFFICE_ONLY, path="developer",
                                         source=(ProjectState.BUILDING,), target=ProjectState.ACCEPTANCE),
            "accept": Action(_("Accept the 5G facilities"), roles=DEPARTMENTS, path="construction_department",
                             source=(ProjectState.ACCEPTANCE,), target=ProjectState.ACCEPTED, system=False),
            "rectify": Action(_("Order rectification"), roles=DEPARTMENTS, path="construction_department",
                              source=(ProjectState.ACCEPTANCE,), target=ProjectState.BUILDING, system=False),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["-registered_on", "-code"]
        verbose_name = _("construction project")
        verbose_name_plural = _("construction projects")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def size_unit(self) -> str:
        return "km" if self.kind in LENGTH_KINDS else "m²"

    def facilities(self, stage: str) -> dict:
        """``{facility: value}`` of ``stage`` ("required", "reserved", "built")."""
        from .choices import FACILITIES

        return {name: getattr(self, f"{stage}_{name}") for name, _label in FACILITIES}

    def shortfall(self, stage: str, against: str = "required") -> list[str]:
        """The facilities of ``stage`` below those of ``against`` (names from ``FACILITIES``)."""
        have, need = self.facilities(stage), self.facilities(against)
        return [name for name in need if Decimal(have[name]) < Decimal(need[name])]


class ReservedSite(DomainModel):
    """A base-station site the design reserves (its location on the project); on acceptance it becomes a planned
    site of the registry's special plan (``planned_site``)."""

    project = models.ForeignKey(ConstructionProject, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="site_reservations")
    name = models.CharField(_("name"), max_length=100)
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    site_type = models.CharField(_("site type"), max_length=20, choices=SiteType.choices, default=SiteType.ROOFTOP)
    planned_site = models.ForeignKey("sites.PlannedSite", verbose_name=_("planned site"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    access_policy = AccessPolicy(
        owner_path=tuple(f"project__{p}" for p in ("developer", *REVIEWERS, "operator")),
        grants={"view": PARTIES}, all_rows={"view": PROGRAM_OFFICE_ONLY},
        region_path="project__region",
    )

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("reserved site")
        verbose_name_plural = _("reserved sites")

    def __str__(self):
        return self.name


class DesignReview(DomainModel, Decided):
    """One department's review of the project's 5G facilities in one round of the design review, with its clock."""

    project = models.ForeignKey(ConstructionProject, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="reviews")
    kind = models.CharField(_("reviewing department"), max_length=20, choices=ReviewKind.choices)
    department = models.ForeignKey("organizations.Organization", verbose_name=_("department"),
                                   on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    decision = models.CharField(_("decision"), max_length=12, choices=ReviewDecision.choices,
                                default=ReviewDecision.PENDING)
    findings = models.TextField(_("findings"), blank=True)
    received_on = models.DateField(_("received on"))
    limit_days = models.PositiveSmallIntegerField(_("limit [working days]"))
    warn_days = models.PositiveSmallIntegerField(_("warning [working days]"), default=2)

    access_policy = AccessPolicy(
        owner_path=("department", "project__developer"),
        grants={"view": PARTIES}, all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "approve": Action(_("Approve the 5G facilities"), roles=DEPARTMENTS, path="department",
                              source=(ReviewDecision.PENDING,), target=ReviewDecision.APPROVED, field="decision",
                              system=False),
            "return": Action(_("Return with findings"), roles=DEPARTMENTS, path="department",
                             source=(ReviewDecision.PENDING,), target=ReviewDecision.RETURNED, field="decision",
                             system=False),
        },
        region_path="project__region",
    )

    class Meta:
        ordering = ["project", "-round", "kind"]
        constraints = [models.UniqueConstraint(fields=["project", "round", "kind"], name="one_review_per_round")]
        verbose_name = _("design review")
        verbose_name_plural = _("design reviews")

    def __str__(self):
        return f"{self.project.code} {self.get_kind_display()} #{self.round}"

    @property
    def is_open(self) -> bool:
        return self.decision == ReviewDecision.PENDING

    def clock(self) -> Clock:
        return Clock(received_on=self.received_on, limit_days=self.limit_days, warn_days=self.warn_days)
