"""Policy documents as data: documents, sections, tasks with their units, indicators with targets, and
incentive clauses. Loaded from the validated YAML files in ``policy/data`` by :mod:`rollout5g.policy.loader`."""

from dataclasses import replace

from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.accounts.choices import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.access import AccessPolicy, RestrictedManager

from .choices import (
    Comparator,
    DocumentLevel,
    IncentiveKind,
    IndicatorMeasure,
    TargetOrigin,
    TaskStatus,
    UnitRole,
    ValueSource,
)

# Policy documents are published government documents: everyone may read them; only the office edits.
PUBLIC_READ = AccessPolicy(
    public=models.Q(),
    all_rows={"add": PROGRAM_OFFICE_ONLY, "change": PROGRAM_OFFICE_ONLY, "delete": PROGRAM_OFFICE_ONLY},
)


class PolicyDocument(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    short_title = models.CharField(_("short title"), max_length=150, blank=True)
    issuer = models.ForeignKey("organizations.Organization", verbose_name=_("issuer"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    doc_number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    implements = models.TextField(_("implements"), blank=True)
    level = models.CharField(_("level"), max_length=10, choices=DocumentLevel.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    source_file = models.CharField(_("source file"), max_length=200, blank=True)
    period_start = models.PositiveSmallIntegerField(_("period start"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("period end"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    loaded_from = models.CharField(_("loaded from"), max_length=300, blank=True)

    objects = RestrictedManager()
    access_policy = replace(PUBLIC_READ, region_path="region")

    class Meta:
        ordering = ["key"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")

    def __str__(self):
        return self.short_title or self.title


class PolicySection(models.Model):
    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(_("number"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    sort_order = models.PositiveIntegerField(default=0)

    objects = RestrictedManager()
    access_policy = replace(PUBLIC_READ, region_path="document__region")

    class Meta:
        ordering = ["document", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_section_number")]

    def __str__(self):
        return f"{self.number} {self.title}"


class PolicyTask(models.Model):
    """A numbered task of a document with its text, units, deadline and targets."""

    document = models.ForeignKey(PolicyDocument, verbose_name=_("document"), on_delete=models.CASCADE,
                                 related_name="tasks")
    number = models.CharField(_("number"), max_length=40)
    section = models.ForeignKey(PolicySection, verbose_name=_("section"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tasks")
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_text = models.CharField(_("deadline as written"), max_length=100, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    sort_order = models.PositiveIntegerField(default=0)

    objects = RestrictedManager()
    access_policy = replace(PUBLIC_READ, region_path="document__region")

    class Meta:
        ordering = ["document", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_task_number")]
        verbose_name = _("policy task")
        verbose_name_plural = _("policy tasks")

    def __str__(self):
        return f"{self.number} {self.title}"

    def units_by_role(self, role: str):
        return [u for u in self.units.all() if u.role == role]


class TaskUnit(models.Model):
    """One unit named for a task, as the document wrote it (``as_written``) and as resolved: an organization, or
    a named group the document does not break down (市级各有关部门（单位）)."""

    task = models.ForeignKey(PolicyTask, on_delete=models.CASCADE, related_name="units")
    role = models.CharField(_("role"), max_length=20, choices=UnitRole.choices)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organization"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="task_units")
    group = models.ForeignKey("organizations.OrganizationGroup", verbose_name=_("group"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="task_units")
    as_written = models.CharField(_("as written"), max_length=100)
    #: The document wrote the unit with a trailing 等 ("and others"): the units named are not all of them.
    open_ended = models.BooleanField(_("and others (等)"), default=False)
    sort_order = models.PositiveIntegerField(default=0)

    objects = RestrictedManager()
    access_policy = replace(PUBLIC_READ, region_path="task__document__region")

    class Meta:
        ordering = ["task", "role", "sort_order"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(organization__isnull=False, group__isnull=True)
                           | models.Q(organization__isnull=True, group__isnull=False)),
                name="task_unit_is_org_or_group",
            ),
        ]

    def __str__(self):
        return str(self.organization or self.group)

    @property
    def display_name(self) -> str:
        return self.organization.name if self.organization_id else self.group.term


class Indicator(models.Model):
    """A quantified goal of a document (5G base stations built, covered share of an area type, …)."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="indicators")
    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    measure = models.CharField(_("measure"), max_length=20, choices=IndicatorMeasure.choices)
    source = models.CharField(_("source of actual values"), max_length=80, blank=True)
    area_type = models.CharField(_("area type"), max_length=60, blank=True)
    clause = models.CharField(_("clause"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    objects = RestrictedManager()
    access_policy = replace(PUBLIC_READ, region_path="document__region")

    class Meta:
        ordering = ["document", "sort_order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name

    @property
    def is_share(self) -> bool:
        return self.unit == "share"

    def format_value(self, value) -> str:
        """A value of this indicator as a person reads it: a share as a percentage (0.8785 -> "87.85%"), a count or
        amount with thousands separators and its unit ("8,000 个"); None -> "—"."""
        from decimal import Decimal, InvalidOperation

        from rollout5g.platform.formats import percent, thousands

        if value is None or value == "":
            return "—"
        if self.is_share:
            return percent(value, 2)
        try:
            exponent = Decimal(str(value)).normalize().as_tuple().exponent
        except InvalidOperation:
            return str(value)
        digits = min(4, max(0, -exponent)) if isinstance(exponent, int) else 0
        return f"{thousands(value, digits)} {self.unit}".strip()


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    comparator = models.CharField(_("comparator"), max_length=2, choices=Comparator.choices)
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    due = models.DateField(_("due"), null=True, blank=True)
    text = models.CharField(_("as written"), max_length=300, blank=True)
    origin = models.CharField(_("set by"), max_length=10, choices=TargetOrigin.choices, default=TargetOrigin.DOCUMENT)

    objects = RestrictedManager()
    access_policy = replace(PUBLIC_READ, region_path="region")

    class Meta:
        ordering = ["indicator", "region", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "region", "year"], name="unique_target")]

    def __str__(self):
        return f"{self.indicator} {self.region} {self.year} {self.get_comparator_display()} {self.value.normalize()}"

    @property
    def set_by_office(self) -> bool:
        return self.origin == TargetOrigin.OFFICE

    def display(self) -> str:
        """The target as a person reads it: "≥ 95%", "> 8,000 个"."""
        return f"{self.get_comparator_display()} {self.indicator.format_value(self.value)}"

    def is_met_by(self, actual) -> bool:
        from decimal import Decimal

        a, t = Decimal(str(actual)), self.value
        return {"gt": a > t, "ge": a >= t, "eq": a == t, "le": a <= t, "lt": a < t}[self.comparator]


class TaskTarget(models.Model):
    """A task's quantified commitment, pointing at the indicator that measures it."""

    task = models.ForeignKey(PolicyTask, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="task_targets")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    comparator = models.CharField(_("comparator"), max_length=2, choices=Comparator.choices)
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4)

    objects = RestrictedManager()
    access_policy = replace(PUBLIC_READ, region_path="region")

    def __str__(self):
        return f"{self.indicator} {self.get_comparator_display()} {self.value.normalize()}"

    def display(self) -> str:
        """The commitment as a person reads it: "≥ 95%", "> 8,000 个"."""
        return f"{self.get_comparator_display()} {self.indicator.format_value(self.value)}"

    @property
    def origin(self) -> str:
        """Who set the number: that of the indicator's target for the same region and year."""
        target = self.indicator.targets.filter(region_id=self.region_id, year=self.year).first()
        return target.origin if target is not None else TargetOrigin.DOCUMENT

    @property
    def set_by_office(self) -> bool:
        return self.origin == TargetOrigin.OFFICE


class IndicatorValue(models.Model):
    """An observed value entered with its source (for indicators the platform cannot compute itself)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT)
    as_of = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=20, choices=ValueSource.choices, default=ValueSource.ENTERED)
    source_note = models.CharField(_("source note"), max_length=300)
    entered_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)

    objects = RestrictedManager()
    # Any unit may enter values for its own reporting (the entry names who entered it and its source); only the
    # programme office changes or deletes them.
    access_policy = AccessPolicy(
        public=models.Q(),
        all_rows={"add": frozenset({Role.PROGRAM_OFFICE, Role.DEPARTMENT, Role.OPERATOR}),
                  "change": PROGRAM_OFFICE_ONLY, "delete": PROGRAM_OFFICE_ONLY},
                  region_path="region",
    )

    class Meta:
        ordering = ["indicator", "region", "as_of"]

    def __str__(self):
        return f"{self.indicator} {self.region} {self.as_of}: {self.value.normalize()}"

    def display(self) -> str:
        """The value in the indicator's unit ("87.85%", "1,234.5 亿元")."""
        return self.indicator.format_value(self.value)


class IncentiveClause(models.Model):
    """A subsidy or award clause as dated data (formula or fixed amount, eligibility, cap, rounding)."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="incentives")
    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    clause = models.CharField(_("clause"), max_length=40, blank=True)
    text = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=20, choices=IncentiveKind.choices)
    terms = models.JSONField(_("formula terms"), default=list, blank=True)
    amount = models.DecimalField(_("amount [CNY]"), max_digits=16, decimal_places=2, null=True, blank=True)
    eligibility = models.JSONField(_("eligibility"), default=dict, blank=True)
    exclusive_group = models.CharField(_("exclusive group"), max_length=80, blank=True)
    exclusive_policy = models.CharField(_("exclusive policy"), max_length=20, default="highest")
    cap = models.DecimalField(_("cap [CNY]"), max_digits=16, decimal_places=2, null=True, blank=True)
    rounding = models.CharField(_("rounding"), max_length=20, default="half_up_fen")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    payer = models.JSONField(_("payer"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    objects = RestrictedManager()
    access_policy = replace(PUBLIC_READ, region_path="document__region")

    class Meta:
        ordering = ["document", "sort_order"]
        verbose_name = _("incentive clause")
        verbose_name_plural = _("incentive clauses")

    def __str__(self):
        return self.name
