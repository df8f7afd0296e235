"""Industry registry (firms, parks and other carriers, pilots, achievements, yearly statistics) and incentives
(applications with invoices and evidence, public notices, the disbursement ledger, caps).

Clauses are ``policy.IncentiveClause`` rows (loaded from the policy YAML); :mod:`rollout5g.core.incentives`
computes with them. Amounts are Decimal CNY, two places (fen).
"""

from dataclasses import replace

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rollout5g.accounts.choices import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import DomainModel
from rollout5g.platform.workflow import Action

from .choices import (
    AchievementKind,
    ApplicationState,
    CarrierKind,
    EvidenceKind,
    LedgerKind,
    Level,
    PilotCategory,
    PilotField,
    PilotStatus,
    Tier,
    Track,
)

# The registry is public (names of recognised firms, parks and pilots are published by the government); the
# programme office maintains it.
PUBLIC_REGISTRY = AccessPolicy(
    public=models.Q(),
    all_rows={"add": PROGRAM_OFFICE_ONLY, "change": PROGRAM_OFFICE_ONLY, "delete": PROGRAM_OFFICE_ONLY},
)
#: A recognised pilot or park of the registry, on which the programme office (or the matching job) proposes the
#: award its recognitions earn, without an application (免申即享).
AWARDED_REGISTRY = AccessPolicy(
    public=models.Q(),
    all_rows={"add": PROGRAM_OFFICE_ONLY, "change": PROGRAM_OFFICE_ONLY, "delete": PROGRAM_OFFICE_ONLY},
    actions={"propose": Action(_("Propose the award"), all_rows=PROGRAM_OFFICE_ONLY)},
)
REVIEWER_ROLES = grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT)


def money(verbose, **kw):
    return models.DecimalField(verbose, max_digits=16, decimal_places=2, **kw)


class IndustryProfile(DomainModel):
    """The industry side of an enterprise (an ``Organization`` of kind enterprise): product lines and tier."""

    organization = models.OneToOneField("organizations.Organization", verbose_name=_("enterprise"),
                                        on_delete=models.PROTECT, related_name="industry_profile")
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    product_lines = models.JSONField(_("product lines"), default=list, blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.OTHER)
    tier_since = models.DateField(_("tier since"), null=True, blank=True)
    named_in_document = models.BooleanField(_("named in the policy document"), default=False)
    document_clause = models.CharField(_("document clause"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)

    access_policy = replace(PUBLIC_REGISTRY, region_path="region")

    class Meta:
        ordering = ["organization__code"]
        verbose_name = _("industry profile")
        verbose_name_plural = _("industry profiles")

    def __str__(self):
        return str(self.organization)

    def product_line_labels(self):
        from .choices import ProductLine

        labels = dict(ProductLine.choices)
        return [labels.get(p, p) for p in self.product_lines]


class Carrier(DomainModel):
    """A park, cluster, joint innovation centre, incubator or research institute, with its recognition level."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=CarrierKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    operator = models.ForeignKey("organizations.Organization", verbose_name=_("operating organization"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="industry_carriers")
    members = models.ManyToManyField("organizations.Organization", verbose_name=_("member firms"), blank=True,
                                     related_name="+")
    named_in_document = models.BooleanField(_("named in the policy document"), default=False)
    document_clause = models.CharField(_("document clause"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)

    access_policy = replace(AWARDED_REGISTRY, region_path="region")

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("industry carrier")
        verbose_name_plural = _("industry carriers")

    def __str__(self):
        return self.name


class PilotProject(DomainModel):
    """An application pilot or a smart-manufacturing demonstration, recognised at one or more levels."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    field = models.CharField(_("field"), max_length=30, choices=PilotField.choices)
    category = models.CharField(_("category"), max_length=30, choices=PilotCategory.choices,
                                default=PilotCategory.APPLICATION_PILOT)
    status = models.CharField(_("status"), max_length=20, choices=PilotStatus.choices, default=PilotStatus.ONGOING)
    lead = models.ForeignKey("organizations.Organization", verbose_name=_("lead organization"),
                             on_delete=models.PROTECT, related_name="industry_pilots")
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    named_in_document = models.BooleanField(_("named in the policy document"), default=False)
    document_clause = models.CharField(_("document clause"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)

    access_policy = replace(AWARDED_REGISTRY, region_path="region")

    class Meta:
        ordering = ["code"]
        verbose_name = _("pilot project")
        verbose_name_plural = _("pilot projects")

    def __str__(self):
        return self.name

    @property
    def levels(self) -> list[str]:
        return sorted({r.level for r in self.recognitions.all()})


class Recognition(DomainModel):
    """A recognition (认定) of a pilot, a park or a first-of-kind product at a level, with the recognising document."""

    pilot = models.ForeignKey(PilotProject, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="recognitions")
    carrier = models.ForeignKey(Carrier, null=True, blank=True, on_delete=models.CASCADE, related_name="recognitions")
    product = models.ForeignKey("incentives.FirstOfKind", verbose_name=_("first-of-kind product"), null=True,
                                blank=True, on_delete=models.CASCADE, related_name="recognitions")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    recognised_on = models.DateField(_("recognised on"))
    document = models.CharField(_("recognising document"), max_length=200)

    access_policy = PUBLIC_REGISTRY

    class Meta:
        ordering = ["recognised_on"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(pilot__isnull=False, carrier__isnull=True, product__isnull=True)
                           | models.Q(pilot__isnull=True, carrier__isnull=False, product__isnull=True)
                           | models.Q(pilot__isnull=True, carrier__isnull=True, product__isnull=False)),
                name="recognition_is_pilot_carrier_or_product",
            ),
        ]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")

    def __str__(self):
        return f"{self.pilot or self.carrier or self.product} · {self.get_level_display()} · {self.recognised_on}"


class Achievement(DomainModel):
    """A standards contribution or a first-set / first-batch / first-version product of a firm (Zhejiang tasks 13–14).

    A first-of-kind recognition (:class:`~rollout5g.incentives.industry_models.FirstOfKind`) writes one."""

    enterprise = models.ForeignKey("organizations.Organization", verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="industry_achievements")
    kind = models.CharField(_("kind"), max_length=20, choices=AchievementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    reference = models.CharField(_("reference"), max_length=120, blank=True)

    access_policy = PUBLIC_REGISTRY

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")

    def __str__(self):
        return self.title


class YearlyStatistic(DomainModel):
    """Output and revenue of a firm or a carrier in a year [CNY], with the source of the figures."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("enterprise"), null=True,
                                     blank=True, on_delete=models.CASCADE, related_name="industry_statistics")
    carrier = models.ForeignKey(Carrier, verbose_name=_("carrier"), null=True, blank=True, on_delete=models.CASCADE,
                                related_name="statistics")
    year = models.PositiveSmallIntegerField(_("year"))
    output = money(_("output [CNY]"), null=True, blank=True)
    revenue = money(_("revenue [CNY]"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200)

    # Firm figures are the firm's and the office's; carriers' (parks, clusters) are published.
    access_policy = AccessPolicy(
        owner_path="organization", public=models.Q(carrier__isnull=False),
        grants={"view": grant(Role.ENTERPRISE)},
        all_rows={"view": PROGRAM_OFFICE_ONLY, "add": PROGRAM_OFFICE_ONLY, "change": PROGRAM_OFFICE_ONLY},
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="unique_firm_statistic_year"),
            models.UniqueConstraint(fields=["carrier", "year"], name="unique_carrier_statistic_year"),
        ]
        verbose_name = _("yearly statistic")
        verbose_name_plural = _("yearly statistics")

    def __str__(self):
        return f"{self.organization or self.carrier} {self.year}"


class FundingCap(DomainModel):
    """A cap per enterprise and year, on one clause or (clause empty) on all clauses together [CNY]."""

    clause = models.ForeignKey("policy.IncentiveClause", verbose_name=_("clause"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    amount = money(_("cap per enterprise and year [CNY]"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    access_policy = AccessPolicy(public=models.Q(), all_rows={a: PROGRAM_OFFICE_ONLY for a in ("add", "change",
                                                                                                "delete")},
                                 region_path="clause__document__region")

    class Meta:
        # one cap per clause and one for all clauses together; cap_save updates the existing row
        constraints = [models.UniqueConstraint(fields=["clause"], name="unique_cap_per_clause")]
        verbose_name = _("funding cap")
        verbose_name_plural = _("funding caps")

    def __str__(self):
        return f"{self.clause or _('all clauses')}: {self.amount}"


S = ApplicationState
#: While the enterprise may still change its claim.
EDITABLE = (S.DRAFT, S.PROPOSED, S.RETURNED)


def _applicant(label, **kw):
    """A step of the enterprise on its own claim."""
    return Action(label, roles=grant(Role.ENTERPRISE), path="enterprise", **kw)


def _reviewer(label, **kw):
    """A step of a reviewing unit of the clause (its payers, e.g. 市财政局, 市经信局) on the claims of its programme."""
    return Action(label, roles=REVIEWER_ROLES, path="reviewers", **kw)


#: The steps of an incentive claim: the enterprise drafts, documents and submits; the reviewing units check, adjust,
#: return or reject, publish the notice (公示), approve after it, pay, and claw back.
APPLICATION_ACTIONS = {
    "edit": _applicant(_("Edit the claim"), source=EDITABLE),
    "invoice": _applicant(_("Add an invoice"), source=EDITABLE),
    "evidence": _applicant(_("Upload a document"), source=EDITABLE),
    "submit": _applicant(_("Submit"), source=EDITABLE, target=S.SUBMITTED),
    "withdraw": _applicant(_("Withdraw"), source=EDITABLE, target=S.WITHDRAWN),
    "review": _reviewer(_("Save review"), source=(S.SUBMITTED,)),
    "adjust": _reviewer(_("Adjust amount"), source=(S.SUBMITTED,)),
    "return": _reviewer(_("Return"), source=(S.SUBMITTED,), target=S.RETURNED),
    "reject": _reviewer(_("Reject"), source=(S.SUBMITTED, S.IN_NOTICE), target=S.REJECTED),
    "notice": _reviewer(_("Start public notice"), source=(S.SUBMITTED,), target=S.IN_NOTICE,
                        condition=Q(eligibility_checked=True, evidence_checked=True),
                        doc=_("check eligibility and evidence before the notice")),
    "approve": _reviewer(_("Approve after the notice"), source=(S.IN_NOTICE,), target=S.APPROVED),
    "pay": _reviewer(_("Record payment"), source=(S.APPROVED,), target=S.PAID),
    "claw_back": _reviewer(_("Claw back"), source=(S.PAID,), target=S.CLAWED_BACK),
}


class Application(DomainModel):
    """A claim of an enterprise under a clause: applied for (apply track) or proposed by the platform (免申即享).

    The reviewers are the clause's payers (``policy.IncentiveClause.payer``, e.g. 市财政局 and 市经信局), kept as
    ``reviewers`` so a reviewing unit sees the claims of its programme and no other.
    """

    number = models.CharField(_("number"), max_length=30, unique=True)
    enterprise = models.ForeignKey("organizations.Organization", verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="incentive_applications")
    clause = models.ForeignKey("policy.IncentiveClause", verbose_name=_("clause"), on_delete=models.PROTECT,
                               related_name="applications")
    reviewers = models.ManyToManyField("organizations.Organization", verbose_name=_("reviewing units"),
                                       related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    track = models.CharField(_("track"), max_length=10, choices=Track.choices, default=Track.APPLY)
    state = models.CharField(_("state"), max_length=20, choices=ApplicationState.choices,
                             default=ApplicationState.DRAFT)
    year = models.PositiveSmallIntegerField(_("funding year"))
    project_title = models.CharField(_("project"), max_length=200)
    project_ref = models.CharField(_("project reference"), max_length=80,
                                   help_text=_("The project's identifier: a claim for the same project is stopped."))
    pilot = models.ForeignKey(PilotProject, verbose_name=_("pilot project"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="applications")
    carrier = models.ForeignKey(Carrier, verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="applications")
    product = models.ForeignKey("incentives.FirstOfKind", verbose_name=_("first-of-kind product"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="applications")
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    computed_amount = money(_("computed amount [CNY]"), null=True, blank=True)
    unrounded_amount = models.DecimalField(_("before rounding [CNY]"), max_digits=24, decimal_places=8, null=True,
                                           blank=True)
    trace = models.JSONField(_("calculation trace"), default=list, blank=True)
    adjusted_amount = money(_("adjusted amount [CNY]"), null=True, blank=True)
    adjustment_reason = models.TextField(_("reason for adjustment"), blank=True)
    granted_amount = money(_("granted amount [CNY]"), null=True, blank=True)
    eligibility_checked = models.BooleanField(_("eligibility checked"), default=False)
    evidence_checked = models.BooleanField(_("evidence checked"), default=False)
    review_note = models.TextField(_("review note"), blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    notice_start = models.DateField(_("notice from"), null=True, blank=True)
    notice_end = models.DateField(_("notice until"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    access_policy = AccessPolicy(
        owner_path=("enterprise", "reviewers"),
        grants={"view": grant(Role.ENTERPRISE, *REVIEWER_ROLES), "add": grant(Role.ENTERPRISE),
                "change": grant(Role.ENTERPRISE, *REVIEWER_ROLES)},
        actions=APPLICATION_ACTIONS,
        region_path="region",
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("incentive application")
        verbose_name_plural = _("incentive applications")

    def __str__(self):
        return f"{self.number} {self.project_title}"

    @property
    def amount_due(self):
        """The amount that goes to notice and payment: the adjusted one if a reviewer adjusted it."""
        return self.adjusted_amount if self.adjusted_amount is not None else self.computed_amount


class Invoice(DomainModel):
    """An invoice behind an investment amount; (seller tax id, number) may be claimed only once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=40)
    issued_on = models.DateField(_("invoice date"))
    amount = money(_("amount [CNY]"))
    seller = models.CharField(_("seller"), max_length=200)
    seller_tax_id = models.CharField(_("seller tax id"), max_length=30)

    access_policy = AccessPolicy(
        owner_path=("application__enterprise", "application__reviewers"),
        grants={"view": grant(Role.ENTERPRISE, *REVIEWER_ROLES)},
        region_path="application__region",
    )

    class Meta:
        ordering = ["issued_on", "number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self):
        return f"{self.seller_tax_id}/{self.number}"


class Evidence(DomainModel):
    """An uploaded document (recognition, invoice scan, contract), served only to who may see the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to="incentives/evidence/%Y/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size [bytes]"), default=0)
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    access_policy = AccessPolicy(
        owner_path=("application__enterprise", "application__reviewers"),
        grants={"view": grant(Role.ENTERPRISE, *REVIEWER_ROLES)},
        region_path="application__region",
    )

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name


class PublicNotice(DomainModel):
    """The published projection of an application in public notice (公示): what the public may read, nothing else."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="notice")
    enterprise_name = models.CharField(_("enterprise"), max_length=200)
    project_title = models.CharField(_("project"), max_length=200)
    clause_name = models.CharField(_("clause"), max_length=200)
    clause_ref = models.CharField(_("clause reference"), max_length=60)
    amount = money(_("amount [CNY]"))
    start = models.DateField(_("notice from"))
    end = models.DateField(_("notice until"))
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    access_policy = AccessPolicy(public=models.Q(withdrawn=False), region_path="application__region")

    class Meta:
        ordering = ["-start", "application__number"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")

    def __str__(self):
        return f"{self.enterprise_name} {self.project_title}"


class LedgerEntry(DomainModel):
    """One line of the disbursement ledger: approved, paid or clawed back [CNY, always positive].

    Clause, region, enterprise and year are copied from the application when the line is written, so totals
    per clause, region and year are sums over these rows alone.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(_("kind"), max_length=20, choices=LedgerKind.choices)
    amount = money(_("amount [CNY]"))
    clause = models.ForeignKey("policy.IncentiveClause", verbose_name=_("clause"), on_delete=models.PROTECT,
                               related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    enterprise = models.ForeignKey("organizations.Organization", verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("funding year"))
    booked_on = models.DateField(_("booked on"))
    reference = models.CharField(_("payment reference"), max_length=80, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    access_policy = AccessPolicy(
        owner_path=("enterprise", "application__reviewers"),
        grants={"view": grant(Role.ENTERPRISE, *REVIEWER_ROLES)},
        region_path="region",
    )

    class Meta:
        ordering = ["booked_on", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self):
        return f"{self.application.number} {self.kind} {self.amount}"


# The industry workflows (issue 17 item 6) live in their own module; importing them here registers the models.
from .industry_models import (  # noqa: E402,F401
    Alliance,
    AllianceActivity,
    AllianceMember,
    ApplicationCase,
    FirstEvidence,
    FirstOfKind,
    IndustryEvent,
    ListingCompany,
    ListingStageChange,
    TalentEntry,
    TalentSupport,
)
