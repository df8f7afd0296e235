"""Power-supply assurance of the base stations (电力保障; Jiaxing 三(二)-3 and 三(四), Zhejiang 10).

- :class:`OutageNotice`: the power company (an organization of kind ``utility``) notifies a planned or unplanned
  outage with its start, expected end and the affected sites; the operators and the tower company of those sites
  each acknowledge it (:class:`OutageAck`); the power company records the restoration (actual end). Statistics per
  month and per county: notices, site-hours lost, acknowledgement time.
- :class:`ReferencePrice`: the provincial resale standard (转售标准) per kWh with its validity period, as data.
- :class:`TransferSupplyPrice`: what a transfer-supply unit (转供电单位或个人) charges per kWh at a site, with the
  reference price valid on that day and the mark-up computed.
- :class:`SpecialCheck`: a special check campaign of a department (发展改革 / 市场监管); its :class:`Finding` rows
  order a mark-up rectified within a working-day clock, then record the rectification and its verification.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.core.workdays import Clock
from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import DomainModel
from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.workflow import Action

from .choices import AckState, CheckState, FindingState, OutageKind, OutageState

#: The power company's people and the checking departments have the department role.
DEPARTMENTS = grant(Role.DEPARTMENT)
OPERATORS = grant(Role.OPERATOR)
OFFICE_AND_DEPARTMENTS = grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT)
PRICE = {"max_digits": 8, "decimal_places": 4}


class OutageNotice(DomainModel):
    """A planned or unplanned outage notified by the power company to the operators of the affected sites."""

    code = models.CharField(_("notice number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=OutageKind.choices)
    utility = models.ForeignKey("organizations.Organization", verbose_name=_("power company"),
                                on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=OutageState.choices, default=OutageState.NOTIFIED)
    starts_at = models.DateTimeField(_("start"))
    expected_end = models.DateTimeField(_("expected end"))
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"))
    area = models.CharField(_("area or line"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    sites = models.ManyToManyField("sites.Site", verbose_name=_("affected sites"), related_name="outage_notices")
    created_by = models.ForeignKey("accounts.User", verbose_name=_("notified by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path=("utility", "acks__organization"),
        grants={"view": grant(Role.DEPARTMENT, Role.OPERATOR), "add": DEPARTMENTS},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "restore": Action(_("Record the restoration"), roles=DEPARTMENTS, path="utility",
                              source=(OutageState.NOTIFIED,), target=OutageState.RESTORED),
            "cancel": Action(_("Cancel the planned outage"), roles=DEPARTMENTS, path="utility",
                             source=(OutageState.NOTIFIED,), target=OutageState.CANCELLED,
                             condition=models.Q(kind=OutageKind.PLANNED),
                             doc=_("only a planned outage can be cancelled")),
        },
        region_path="utility__region",
    )

    class Meta:
        ordering = ["-starts_at", "-code"]
        verbose_name = _("outage notice")
        verbose_name_plural = _("outage notices")

    def __str__(self):
        return self.code

    @property
    def end(self):
        """The actual end once restored, else the expected end."""
        return self.actual_end or self.expected_end

    @property
    def hours(self) -> Decimal:
        """Hours without power (start to the actual, else the expected, end)."""
        seconds = max((self.end - self.starts_at).total_seconds(), 0)
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))


class OutageAck(DomainModel):
    """One notified organization (an operator or the tower company) and its acknowledgement of a notice."""

    notice = models.ForeignKey(OutageNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="acks")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("notified organization"),
                                     on_delete=models.PROTECT, related_name="+")
    sites = models.PositiveIntegerField(_("its affected sites"), default=0)
    state = models.CharField(_("acknowledgement"), max_length=14, choices=AckState.choices,
                             default=AckState.PENDING)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey("accounts.User", verbose_name=_("acknowledged by"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    remark = models.CharField(_("note"), max_length=300, blank=True)

    access_policy = AccessPolicy(
        owner_path=("organization", "notice__utility"),
        grants={"view": grant(Role.DEPARTMENT, Role.OPERATOR)}, all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "acknowledge": Action(_("Acknowledge the notice"), roles=OPERATORS, path="organization",
                                  source=(AckState.PENDING,), target=AckState.ACKNOWLEDGED, system=False),
        },
        region_path="notice__utility__region",
    )

    class Meta:
        ordering = ["notice", "organization__code"]
        constraints = [models.UniqueConstraint(fields=["notice", "organization"], name="one_ack_per_organization")]
        verbose_name = _("outage acknowledgement")
        verbose_name_plural = _("outage acknowledgements")

    def __str__(self):
        return f"{self.notice.code} {self.organization}"

    @property
    def hours_to_acknowledge(self) -> Decimal | None:
        if self.acknowledged_at is None:
            return None
        seconds = max((self.acknowledged_at - self.notice.notified_at).total_seconds(), 0)
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))


class ReferencePrice(DomainModel):
    """The provincial resale standard per kWh a transfer-supply unit may charge, valid from ``valid_from`` to
    ``valid_to`` (open-ended when empty). Data the programme office enters from the provincial price notice."""

    name = models.CharField(_("tariff"), max_length=120)
    price_per_kwh = models.DecimalField(_("reference price [CNY/kWh]"), **PRICE)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(public=models.Q(), all_rows={a: PROGRAM_OFFICE_ONLY for a in ("add", "change")})

    class Meta:
        ordering = ["-valid_from", "name"]
        verbose_name = _("provincial reference price")
        verbose_name_plural = _("provincial reference prices")

    def __str__(self):
        return f"{self.name} {self.price_per_kwh}"


class TransferSupplyPrice(DomainModel):
    """The price per kWh a transfer-supply unit charges at a site on a day (a bill), with the reference price valid
    then and the mark-up (price − reference; its share of the reference)."""

    code = models.CharField(_("record number"), max_length=30, unique=True)
    site = models.ForeignKey("sites.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="transfer_prices")
    payer = models.ForeignKey("organizations.Organization", verbose_name=_("paid by"), on_delete=models.PROTECT,
                              related_name="+")
    supplier = models.CharField(_("transfer-supply unit or person"), max_length=150)
    observed_on = models.DateField(_("billing date"))
    price_per_kwh = models.DecimalField(_("price charged [CNY/kWh]"), **PRICE)
    reference = models.ForeignKey(ReferencePrice, verbose_name=_("reference price"), on_delete=models.PROTECT,
                                  related_name="+")
    reference_price = models.DecimalField(_("reference price [CNY/kWh]"), **PRICE)
    markup = models.DecimalField(_("mark-up [CNY/kWh]"), **PRICE)
    markup_share = models.DecimalField(_("mark-up [share of the reference]"), max_digits=8, decimal_places=4)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path="payer",
        grants={"view": OPERATORS, "add": OPERATORS},
        all_rows={"view": OFFICE_AND_DEPARTMENTS, "add": PROGRAM_OFFICE_ONLY},
        region_path="site__region",
    )

    class Meta:
        ordering = ["-observed_on", "-code"]
        verbose_name = _("transfer-supply price")
        verbose_name_plural = _("transfer-supply prices")

    def __str__(self):
        return self.code

    @property
    def marked_up(self) -> bool:
        return self.markup > 0


class SpecialCheck(DomainModel):
    """A special check campaign of a department on the transfer-supply prices of a period (one county or all)."""

    code = models.CharField(_("check number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=150)
    department = models.ForeignKey("organizations.Organization", verbose_name=_("department"),
                                   on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("county"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", help_text=_("Empty: every county"))
    period_from = models.DateField(_("bills from"))
    period_to = models.DateField(_("bills to"))
    state = models.CharField(_("state"), max_length=10, choices=CheckState.choices, default=CheckState.OPEN)
    rectify_limit_days = models.PositiveSmallIntegerField(_("rectification limit [working days]"))
    rectify_warn_days = models.PositiveSmallIntegerField(_("warning [working days]"))
    summary = models.TextField(_("conclusion"), blank=True)
    started_on = models.DateField(_("started on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    access_policy = AccessPolicy(
        owner_path=("department", "findings__price__payer"),
        grants={"view": grant(Role.DEPARTMENT, Role.OPERATOR), "add": DEPARTMENTS},
        all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "record_finding": Action(_("Record a mark-up found"), roles=DEPARTMENTS, path="department",
                                     source=(CheckState.OPEN,), system=False),
            "close": Action(_("Close the check"), roles=DEPARTMENTS, path="department", source=(CheckState.OPEN,),
                            target=CheckState.CLOSED, system=False),
        },
        region_path="region",
    )

    class Meta:
        ordering = ["-started_on", "-code"]
        verbose_name = _("special check")
        verbose_name_plural = _("special checks")

    def __str__(self):
        return f"{self.code} {self.title}"


class Finding(DomainModel):
    """A mark-up found in a check: rectification ordered (a working-day clock), reported, verified."""

    check_run = models.ForeignKey(SpecialCheck, verbose_name=_("special check"), on_delete=models.CASCADE,
                                  related_name="findings")
    price = models.ForeignKey(TransferSupplyPrice, verbose_name=_("price record"), on_delete=models.PROTECT,
                              related_name="findings")
    markup = models.DecimalField(_("mark-up found [CNY/kWh]"), **PRICE)
    order = models.TextField(_("rectification order"))
    state = models.CharField(_("state"), max_length=10, choices=FindingState.choices, default=FindingState.ORDERED)
    ordered_on = models.DateField(_("ordered on"))
    limit_days = models.PositiveSmallIntegerField(_("limit [working days]"))
    warn_days = models.PositiveSmallIntegerField(_("warning [working days]"))
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectified_price = models.DecimalField(_("price after rectification [CNY/kWh]"), null=True, blank=True, **PRICE)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    access_policy = AccessPolicy(
        owner_path=("check_run__department", "price__payer"),
        grants={"view": grant(Role.DEPARTMENT, Role.OPERATOR)}, all_rows={"view": PROGRAM_OFFICE_ONLY},
        actions={
            "report": Action(_("Report the rectification"), roles=grant(Role.DEPARTMENT, Role.OPERATOR),
                             path=("check_run__department", "price__payer"), source=(FindingState.ORDERED,),
                             target=FindingState.RECTIFIED, system=False),
            "verify": Action(_("Verify the rectification"), roles=DEPARTMENTS, path="check_run__department",
                             source=(FindingState.RECTIFIED,), target=FindingState.VERIFIED, system=False),
            "reopen": Action(_("Not rectified: order again"), roles=DEPARTMENTS, path="check_run__department",
                             source=(FindingState.RECTIFIED,), target=FindingState.ORDERED, system=False),
        },
        region_path="check_run__region",
    )

    class Meta:
        ordering = ["check_run", "pk"]
        constraints = [models.UniqueConstraint(fields=["check_run", "price"], name="one_finding_per_price")]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return f"{self.check_run.code} {self.price.code}"

    @property
    def is_open(self) -> bool:
        return self.state == FindingState.ORDERED

    def clock(self) -> Clock:
        return Clock(received_on=self.ordered_on, limit_days=self.limit_days, warn_days=self.warn_days)
