"""Interference complaints of the operators, investigated by radio management (Zhejiang task 32).

- :class:`InterferenceComplaint`: an operator reports interference at a site or cell (band, frequency range,
  symptoms, since when); radio management (the unit that leads the home documents' spectrum task, from the policy
  data) monitors it, identifies the source (illegal repeater, jammer, another system, …), coordinates or enforces,
  and resolves it; the reporting operator confirms the closure or says it persists. A working-day clock runs from the
  report to the resolution.
- :class:`Measurement`: one monitoring measurement (frequency, level, where) recorded by radio management.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.core.workdays import Clock
from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import DomainModel
from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.workflow import Action

from .choices import OPEN_STATES, ComplaintState, Measure, SourceKind

RADIO = grant(Role.DEPARTMENT)
OPERATORS = grant(Role.OPERATOR)
S = ComplaintState
MHZ = {"max_digits": 9, "decimal_places": 3}


class InterferenceComplaint(DomainModel):
    """An interference complaint of an operator and its investigation by radio management."""

    code = models.CharField(_("complaint number"), max_length=30, unique=True)
    reporter = models.ForeignKey("organizations.Organization", verbose_name=_("reported by"),
                                 on_delete=models.PROTECT, related_name="+")
    investigator = models.ForeignKey("organizations.Organization", verbose_name=_("radio management"),
                                     on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("sites.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="interference_complaints")
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    cell = models.CharField(_("cell"), max_length=60, blank=True)
    band = models.CharField(_("band"), max_length=10)
    freq_low_mhz = models.DecimalField(_("from [MHz]"), **MHZ)
    freq_high_mhz = models.DecimalField(_("to [MHz]"), **MHZ)
    symptoms = models.TextField(_("symptoms"))
    started_on = models.DateField(_("interference since"))
    reported_on = models.DateField(_("reported on"))
    state = models.CharField(_("state"), max_length=14, choices=ComplaintState.choices, default=S.REPORTED)
    limit_days = models.PositiveSmallIntegerField(_("limit [working days]"))
    warn_days = models.PositiveSmallIntegerField(_("warning [working days]"))
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices, blank=True)
    source_description = models.TextField(_("source found"), blank=True)
    measure = models.CharField(_("measure"), max_length=14, choices=Measure.choices, blank=True)
    measure_note = models.TextField(_("coordination or enforcement"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("reported by (person)"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path=("reporter", "investigator"),
        grants={"view": grant(Role.DEPARTMENT, Role.OPERATOR), "add": OPERATORS},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "monitor": Action(_("Start monitoring"), roles=RADIO, path="investigator", source=(S.REPORTED,),
                              target=S.MONITORING),
            "measure": Action(_("Record a measurement"), roles=RADIO, path="investigator",
                              source=(S.MONITORING, S.SOURCE_FOUND, S.COORDINATING)),
            "identify": Action(_("Record the source found"), roles=RADIO, path="investigator",
                               source=(S.MONITORING,), target=S.SOURCE_FOUND),
            "coordinate": Action(_("Coordinate or enforce"), roles=RADIO, path="investigator",
                                 source=(S.SOURCE_FOUND,), target=S.COORDINATING),
            "resolve": Action(_("Record the resolution"), roles=RADIO, path="investigator",
                              source=(S.SOURCE_FOUND, S.COORDINATING), target=S.RESOLVED),
            "confirm": Action(_("Confirm: interference gone"), roles=OPERATORS, path="reporter",
                              source=(S.RESOLVED,), target=S.CLOSED, system=False),
            "persists": Action(_("Interference persists"), roles=OPERATORS, path="reporter",
                               source=(S.RESOLVED,), target=S.MONITORING, system=False),
            "close": Action(_("Close"), roles=RADIO, path="investigator", source=(S.RESOLVED,), target=S.CLOSED),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["-reported_on", "-code"]
        verbose_name = _("interference complaint")
        verbose_name_plural = _("interference complaints")

    def __str__(self):
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def clock(self) -> Clock:
        return Clock(received_on=self.reported_on, limit_days=self.limit_days, warn_days=self.warn_days)


class Measurement(DomainModel):
    """One monitoring measurement of a complaint (the place stays with the complaint's parties)."""

    complaint = models.ForeignKey(InterferenceComplaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="measurements")
    measured_on = models.DateField(_("measured on"))
    frequency_mhz = models.DecimalField(_("frequency [MHz]"), **MHZ)
    level_dbm = models.DecimalField(_("level [dBm]"), max_digits=6, decimal_places=1)
    place = models.CharField(_("where"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey("accounts.User", verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    access_policy = AccessPolicy(
        owner_path=("complaint__reporter", "complaint__investigator"),
        grants={"view": grant(Role.DEPARTMENT, Role.OPERATOR)}, all_rows={"view": PROGRAM_OFFICE_ONLY},
        region_path="complaint__region",
    )

    class Meta:
        ordering = ["complaint", "measured_on", "pk"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self):
        return f"{self.complaint.code} {self.frequency_mhz} MHz"
