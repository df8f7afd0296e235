"""Security of critical 5G facilities (Zhejiang task 31).

- :class:`CriticalFacility`: a site (linked to its registry site), core network room or transmission node of an
  operator, with its criticality level and its location. The location is never public: only the facility's
  operator, the three security units (the cyberspace office, the police and the communications administration, from
  the policy data, stored on the row) and the programme office see a facility at all.
- :class:`SecurityAssessment` with its :class:`AssessmentFinding` rows: a data-security risk assessment (assessor,
  day, findings with their risk level and measures) and the day the next one is due; the facility's re-assessment
  clock runs to that day.
- :class:`SecurityEvent`: a sensitive event at a facility, detected → warned → analysed → responded → closed, with a
  working-day response clock set by its severity.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.core.workdays import Clock
from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import DomainModel
from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.workflow import Action

from .choices import (
    OPEN_EVENT_STATES,
    Criticality,
    EventCategory,
    EventSource,
    EventState,
    FacilityKind,
    FacilityState,
    RiskLevel,
    Severity,
)

DEPARTMENTS = grant(Role.DEPARTMENT)
OPERATORS = grant(Role.OPERATOR)
PARTIES = grant(Role.DEPARTMENT, Role.OPERATOR)
#: The organizations of a facility: its operator and the three security units.
FACILITY_PARTIES = ("operator", "cyberspace_office", "police", "comms_admin")
F, E = FacilityState, EventState


def _through(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}__{p}" for p in FACILITY_PARTIES)


class CriticalFacility(DomainModel):
    """A critical 5G facility of an operator: where it is, how critical, who guards it."""

    code = models.CharField(_("facility number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices)
    criticality = models.CharField(_("criticality"), max_length=1, choices=Criticality.choices)
    operator = models.ForeignKey("organizations.Organization", verbose_name=_("operator"), on_delete=models.PROTECT,
                                 related_name="+")
    site = models.ForeignKey("sites.Site", verbose_name=_("registry site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=300, blank=True)
    lon = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    protection = models.TextField(_("protective measures"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=FacilityState.choices, default=F.ACTIVE)
    registered_on = models.DateField(_("registered on"))
    assessment_due = models.DateField(_("next assessment due"))
    cyberspace_office = models.ForeignKey("organizations.Organization", verbose_name=_("cyberspace office"),
                                          on_delete=models.PROTECT, related_name="+")
    police = models.ForeignKey("organizations.Organization", verbose_name=_("police"), on_delete=models.PROTECT,
                               related_name="+")
    comms_admin = models.ForeignKey("organizations.Organization", verbose_name=_("communications administration"),
                                    on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", verbose_name=_("registered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path=FACILITY_PARTIES,
        grants={"view": PARTIES, "add": OPERATORS},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "assess": Action(_("Record an assessment"), roles=PARTIES, path=FACILITY_PARTIES, source=(F.ACTIVE,)),
            "rate": Action(_("Set the criticality"), roles=DEPARTMENTS, path=("cyberspace_office", "comms_admin"),
                           source=(F.ACTIVE,)),
            "retire": Action(_("Retire"), roles=OPERATORS, path="operator", source=(F.ACTIVE,), target=F.RETIRED),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("critical facility")
        verbose_name_plural = _("critical facilities")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def parties(self) -> list:
        """The operator and the security units, without repeats (for notifications)."""
        out = []
        for org in (self.operator, self.cyberspace_office, self.comms_admin, self.police):
            if org not in out:
                out.append(org)
        return out


class SecurityAssessment(DomainModel):
    """A data-security risk assessment of a facility (动态评估评测): who assessed it, when, what was found."""

    code = models.CharField(_("assessment number"), max_length=30, unique=True)
    facility = models.ForeignKey(CriticalFacility, verbose_name=_("facility"), on_delete=models.PROTECT,
                                 related_name="assessments")
    assessor = models.ForeignKey("organizations.Organization", verbose_name=_("recorded by (organization)"),
                                 on_delete=models.PROTECT, related_name="+")
    assessor_name = models.CharField(_("assessor"), max_length=150)
    assessed_on = models.DateField(_("assessed on"))
    scope = models.TextField(_("assessment scope"))
    conclusion = models.CharField(_("overall risk"), max_length=10, choices=RiskLevel.choices, blank=True)
    next_due = models.DateField(_("re-assessment due"))
    recorded_by = models.ForeignKey("accounts.User", verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(owner_path=_through("facility"), grants={"view": PARTIES},
                                 all_rows={"view": PROGRAM_OFFICE_ONLY}, region_path="facility__region")

    class Meta:
        ordering = ["facility", "-assessed_on", "-code"]
        verbose_name = _("security assessment")
        verbose_name_plural = _("security assessments")

    def __str__(self):
        return self.code


class AssessmentFinding(DomainModel):
    """One finding of an assessment: the risk, its level and the measure that answers it."""

    assessment = models.ForeignKey(SecurityAssessment, verbose_name=_("assessment"), on_delete=models.CASCADE,
                                   related_name="findings")
    severity = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    description = models.TextField(_("finding"))
    measure = models.TextField(_("remedial measure"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    access_policy = AccessPolicy(owner_path=_through("assessment__facility"), grants={"view": PARTIES},
                                 all_rows={"view": PROGRAM_OFFICE_ONLY},
                                 region_path="assessment__facility__region")

    class Meta:
        ordering = ["assessment", "sort_order", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("assessment findings")

    def __str__(self):
        return f"{self.assessment.code} #{self.sort_order}"


class SecurityEvent(DomainModel):
    """A sensitive security event at a facility and its handling: warning, analysis, response, closure."""

    code = models.CharField(_("event number"), max_length=30, unique=True)
    facility = models.ForeignKey(CriticalFacility, verbose_name=_("facility"), on_delete=models.PROTECT,
                                 related_name="events")
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("what was detected"))
    source = models.CharField(_("detected through"), max_length=12, choices=EventSource.choices)
    category = models.CharField(_("category"), max_length=20, choices=EventCategory.choices)
    severity = models.CharField(_("severity"), max_length=22, choices=Severity.choices)
    detected_on = models.DateField(_("detected on"))
    reported_by = models.ForeignKey("organizations.Organization", verbose_name=_("reported by"),
                                    on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=EventState.choices, default=E.DETECTED)
    limit_days = models.PositiveSmallIntegerField(_("response limit [working days]"))
    warn_days = models.PositiveSmallIntegerField(_("warning [working days]"))
    warning = models.TextField(_("warning issued"), blank=True)
    warned_on = models.DateField(_("warned on"), null=True, blank=True)
    analysis = models.TextField(_("analysis"), blank=True)
    analysed_on = models.DateField(_("analysed on"), null=True, blank=True)
    response = models.TextField(_("emergency response"), blank=True)
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("reported by (person)"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path=_through("facility"),
        grants={"view": PARTIES, "add": PARTIES},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "warn": Action(_("Issue the warning"), roles=DEPARTMENTS,
                           path=("facility__cyberspace_office", "facility__comms_admin"), source=(E.DETECTED,),
                           target=E.WARNED),
            "analyse": Action(_("Record the analysis"), roles=DEPARTMENTS,
                              path=("facility__cyberspace_office", "facility__police", "facility__comms_admin"),
                              source=(E.WARNED,), target=E.ANALYSED),
            "respond": Action(_("Record the emergency response"), roles=PARTIES,
                              path=("facility__operator", "facility__police"), source=(E.ANALYSED,),
                              target=E.RESPONDED),
            "close": Action(_("Close"), roles=DEPARTMENTS, path="facility__cyberspace_office",
                            source=(E.RESPONDED,), target=E.CLOSED),
        },
        region_path="facility__region",
    )

    class Meta:
        ordering = ["-detected_on", "-code"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self):
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_EVENT_STATES

    def clock(self) -> Clock:
        return Clock(received_on=self.detected_on, limit_days=self.limit_days, warn_days=self.warn_days)
