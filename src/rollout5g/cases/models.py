"""Power, relocation and incident cases: each a small workflow with a clock in Chinese working days.

Routing (which organization handles a kind of case) and time limits are data (:class:`ClockRule`), so a city changes
them without code. Every case copies its limit when it is opened, so editing a rule never moves a running clock.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rollout5g.accounts.choices import PROGRAM_OFFICE_ONLY, Role
from rollout5g.core.workdays import Clock
from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import DomainModel
from rollout5g.platform.workflow import Action

from .choices import (
    OPEN_STATES,
    SECURED_SITE_STATES,
    IncidentKind,
    IncidentState,
    PowerKind,
    PowerState,
    RelocationCause,
    RelocationState,
)

PARTIES = grant(Role.OPERATOR, Role.DEPARTMENT, Role.RESOURCE_OWNER)
#: Who reports an incident: any organization that meets one (an operator or tower company, a resource owner, a
#: department, a firm); the programme office reports in anyone's name.
REPORTERS = grant(Role.OPERATOR, Role.DEPARTMENT, Role.RESOURCE_OWNER, Role.ENTERPRISE)
#: The units that handle cases routed to them (the power company, the police, urban management …).
HANDLERS = grant(Role.DEPARTMENT)


class ClockRule(DomainModel):
    """Who handles one kind of case and in how many working days (``incident.theft`` → 市公安局, 5)."""

    key = models.CharField(_("case kind"), max_length=40, unique=True)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("handled by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+",
                                     help_text=_("Empty: the operator of the case handles it"))
    limit_days = models.PositiveSmallIntegerField(_("limit [working days]"))
    warn_days = models.PositiveSmallIntegerField(_("warn when this many working days are left"), default=2)
    description = models.CharField(_("description"), max_length=200, blank=True)

    access_policy = AccessPolicy(public=models.Q(), all_rows={a: PROGRAM_OFFICE_ONLY for a in ("add", "change")})

    class Meta:
        ordering = ["key"]
        verbose_name = _("case rule")
        verbose_name_plural = _("case rules")

    def __str__(self):
        return f"{self.key}: {self.limit_days}"


class CaseBase(DomainModel):
    """What every case has: a number, a state, a clock (received on, limit, warning) and who opened it."""

    family = ""  # "power", "relocation", "incident": the key of OPEN_STATES and of the rule names

    number = models.CharField(_("case number"), max_length=30, unique=True)
    received_on = models.DateField(_("received on"))
    limit_days = models.PositiveSmallIntegerField(_("limit [working days]"))
    warn_days = models.PositiveSmallIntegerField(_("warning [working days]"), default=2)
    state_since = models.DateField(_("in this state since"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("opened by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES[self.family]

    def clock(self) -> Clock:
        return Clock(received_on=self.received_on, limit_days=self.limit_days, warn_days=self.warn_days)


class PowerCase(CaseBase):
    """A request to the power company for a site: a new connection through the green channel, or the conversion
    of a transfer-supply (转供电) site to direct supply (直供电, one household one meter)."""

    family = "power"

    kind = models.CharField(_("kind"), max_length=12, choices=PowerKind.choices)
    state = models.CharField(_("state"), max_length=12, choices=PowerState.choices, default=PowerState.APPLIED)
    site = models.ForeignKey("sites.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="power_cases")
    applicant = models.ForeignKey("organizations.Organization", verbose_name=_("applicant"),
                                  on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey("organizations.Organization", verbose_name=_("power company"),
                                on_delete=models.PROTECT, related_name="+")
    capacity_kw = models.DecimalField(_("requested capacity [kW]"), max_digits=8, decimal_places=1, null=True,
                                      blank=True)
    meter_number = models.CharField(_("electricity account (户号)"), max_length=40, blank=True)
    survey_on = models.DateField(_("surveyed on"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    note = models.TextField(_("note"), blank=True)

    access_policy = AccessPolicy(
        owner_path=("applicant", "handler"),
        grants={"view": grant(Role.OPERATOR, Role.DEPARTMENT), "add": grant(Role.OPERATOR)},
        all_rows={"view": PROGRAM_OFFICE_ONLY, "add": PROGRAM_OFFICE_ONLY},
        # the power company named by the rule takes every step; the applicant follows
        actions={
            "accept": Action(_("Accept"), roles=HANDLERS, path="handler", source=(PowerState.APPLIED,),
                             target=PowerState.ACCEPTED),
            "survey": Action(_("Record the survey"), roles=HANDLERS, path="handler", source=(PowerState.ACCEPTED,),
                             target=PowerState.SURVEYED),
            "complete": Action(_("Connected / converted"), roles=HANDLERS, path="handler",
                               source=(PowerState.SURVEYED,), target=PowerState.COMPLETED),
            "refuse": Action(_("Refuse"), roles=HANDLERS, path="handler",
                             source=(PowerState.APPLIED, PowerState.ACCEPTED, PowerState.SURVEYED),
                             target=PowerState.REFUSED),
        },
        region_path="site__region",
    )

    class Meta:
        ordering = ["-received_on", "-number"]
        verbose_name = _("power case")
        verbose_name_plural = _("power cases")


class RelocationCase(CaseBase):
    """A site that must move because of demolition, renovation or a major project, with the compensation and the
    replacement site that must be secured before the old one goes; or a site demolished earlier that must be
    rebuilt (``demolished_earlier``)."""

    family = "relocation"

    state = models.CharField(_("state"), max_length=12, choices=RelocationState.choices,
                             default=RelocationState.NOTIFIED)
    site = models.ForeignKey("sites.Site", verbose_name=_("site to move"), on_delete=models.PROTECT,
                             related_name="relocation_cases")
    operator = models.ForeignKey("organizations.Organization", verbose_name=_("operator"),
                                 on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(_("cause"), max_length=16, choices=RelocationCause.choices)
    project = models.CharField(_("project"), max_length=200, blank=True)
    demanding_party = models.CharField(_("party demanding it"), max_length=200)
    demanding_organization = models.ForeignKey("organizations.Organization",
                                               verbose_name=_("demanding organization"), null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="+")
    notice_date = models.DateField(_("notice date"))
    demolition_date = models.DateField(_("demolition date"), null=True, blank=True)
    compensation_amount = models.DecimalField(_("compensation [CNY]"), max_digits=14, decimal_places=2, null=True,
                                              blank=True)
    compensation_basis = models.TextField(_("basis of the compensation"), blank=True)
    replacement_site = models.ForeignKey("sites.Site", verbose_name=_("replacement site"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="replaces_cases")
    removed_on = models.DateField(_("old site removed on"), null=True, blank=True)
    rebuild_limit_days = models.PositiveSmallIntegerField(_("rebuild limit [working days]"), null=True, blank=True)
    rebuild_due = models.DateField(_("rebuild due (agreed date)"), null=True, blank=True,
                                   help_text=_("Empty: the rebuild limit in working days after the removal"))
    demolished_earlier = models.BooleanField(_("demolished before this case"), default=False)
    note = models.TextField(_("note"), blank=True)

    access_policy = AccessPolicy(
        owner_path=("operator", "demanding_organization"),
        grants={"view": PARTIES, "add": grant(Role.OPERATOR)},
        all_rows={"view": PROGRAM_OFFICE_ONLY, "add": PROGRAM_OFFICE_ONLY},
        # the site's operator moves the case, or the programme office for it
        actions={
            "compensation": Action(
                _("Record the compensation"), roles=grant(Role.OPERATOR), all_rows=PROGRAM_OFFICE_ONLY,
                path="operator", target=None,
                source=(RelocationState.NOTIFIED, RelocationState.AGREED, RelocationState.SECURED,
                        RelocationState.REMOVED)),
            "secure": Action(_("Secure the replacement site"), roles=grant(Role.OPERATOR),
                             all_rows=PROGRAM_OFFICE_ONLY, path="operator",
                             source=(RelocationState.NOTIFIED, RelocationState.AGREED),
                             target=RelocationState.SECURED),
            "remove": Action(
                _("Retire the old site"), roles=grant(Role.OPERATOR), all_rows=PROGRAM_OFFICE_ONLY,
                path="operator", source=(RelocationState.SECURED,), target=RelocationState.REMOVED,
                condition=Q(replacement_site__state__in=SECURED_SITE_STATES),
                doc=_("the old site may not be retired before the replacement site is at least approved "
                      "(the new site is secured before the old one goes)")),
            "rebuilt": Action(_("Replacement on air"), roles=grant(Role.OPERATOR), all_rows=PROGRAM_OFFICE_ONLY,
                              path="operator", source=(RelocationState.REMOVED,), target=RelocationState.REBUILT),
            "cancel": Action(_("Cancel"), roles=grant(Role.OPERATOR), all_rows=PROGRAM_OFFICE_ONLY,
                             path="operator",
                             source=(RelocationState.NOTIFIED, RelocationState.AGREED, RelocationState.SECURED),
                             target=RelocationState.CANCELLED),
        },
        region_path="site__region",
    )

    class Meta:
        ordering = ["-notice_date", "-number"]
        verbose_name = _("relocation case")
        verbose_name_plural = _("relocation cases")

    def clock(self) -> Clock:
        """Before the old site goes: notice → replacement secured. After: removal → replacement on air."""
        if self.state == RelocationState.REMOVED and self.removed_on:
            return Clock(received_on=self.removed_on, limit_days=self.rebuild_limit_days or self.limit_days,
                         warn_days=self.warn_days)
        return super().clock()


class IncidentCase(CaseBase):
    """An obstruction, theft, vandalism, radio interference or fee demand, routed by kind to a department."""

    family = "incident"

    kind = models.CharField(_("kind"), max_length=16, choices=IncidentKind.choices)
    state = models.CharField(_("state"), max_length=12, choices=IncidentState.choices,
                             default=IncidentState.REPORTED)
    site = models.ForeignKey("sites.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="incidents")
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    reporter = models.ForeignKey("organizations.Organization", verbose_name=_("reported by"),
                                 on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("organizations.Organization", verbose_name=_("responsible department"),
                                   on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(_("occurred on"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    fee_amount = models.DecimalField(_("fee demanded [CNY]"), max_digits=12, decimal_places=2, null=True,
                                     blank=True)
    handler_name = models.CharField(_("handled by (person)"), max_length=100, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    access_policy = AccessPolicy(
        owner_path=("reporter", "department"),
        grants={"view": PARTIES, "add": REPORTERS},
        all_rows={"view": PROGRAM_OFFICE_ONLY, "add": PROGRAM_OFFICE_ONLY},
        # the department the case is routed to works on it (or the programme office); the reporter confirms
        actions={
            "assign": Action(_("Assign"), roles=HANDLERS, all_rows=PROGRAM_OFFICE_ONLY, path="department",
                             source=(IncidentState.REPORTED,), target=IncidentState.ASSIGNED),
            "start": Action(_("Start work"), roles=HANDLERS, all_rows=PROGRAM_OFFICE_ONLY, path="department",
                            source=(IncidentState.ASSIGNED,), target=IncidentState.IN_PROGRESS),
            "resolve": Action(_("Resolve"), roles=HANDLERS, all_rows=PROGRAM_OFFICE_ONLY, path="department",
                              source=(IncidentState.ASSIGNED, IncidentState.IN_PROGRESS),
                              target=IncidentState.RESOLVED),
            "close": Action(_("Close"), roles=HANDLERS, all_rows=PROGRAM_OFFICE_ONLY, path="department",
                            source=(IncidentState.REPORTED, IncidentState.ASSIGNED, IncidentState.IN_PROGRESS),
                            target=IncidentState.CLOSED),
            "confirm": Action(_("Confirm and close"), roles=REPORTERS, all_rows=PROGRAM_OFFICE_ONLY,
                              path=("reporter", "department"), source=(IncidentState.RESOLVED,),
                              target=IncidentState.CLOSED),
            "reroute": Action(_("Route to another department"), all_rows=PROGRAM_OFFICE_ONLY,
                              source=(IncidentState.REPORTED, IncidentState.ASSIGNED, IncidentState.IN_PROGRESS),
                              target=IncidentState.REPORTED),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["-received_on", "-number"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
