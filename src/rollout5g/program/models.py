"""Supervision of the policy tasks: milestones, extensions, progress reports, status rules, evaluation weights,
snapshots and the joint meeting. The tasks, units and indicators themselves live in :mod:`rollout5g.policy`."""

from dataclasses import replace

from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.accounts.choices import PROGRAM_OFFICE_ONLY, Role
from rollout5g.platform.access import AccessPolicy, grant
from rollout5g.platform.models import DomainModel
from rollout5g.platform.workflow import Action

from .choices import ActionState, Colour, Direction, EvaluationLevel, ExtensionState, RuleKind

ALL_ROLES = grant(Role.PROGRAM_OFFICE, Role.DEPARTMENT, Role.OPERATOR, Role.RESOURCE_OWNER, Role.ENTERPRISE)
UNIT_ROLES = grant(Role.DEPARTMENT, Role.OPERATOR, Role.RESOURCE_OWNER)
OFFICE_EDITS = {"add": PROGRAM_OFFICE_ONLY, "change": PROGRAM_OFFICE_ONLY, "delete": PROGRAM_OFFICE_ONLY}

# Supervision records of a task are visible to the programme office and to every unit named on the task (they
# coordinate on it); a unit writes only its own rows. They are internal working records, never public.
TASK_RECORD_POLICY = AccessPolicy(
    owner_path=("organization", "task__units__organization"),
    grants={"view": UNIT_ROLES},
    all_rows={"view": PROGRAM_OFFICE_ONLY, **OFFICE_EDITS},
)

# A unit files its own reports and extension requests (for a task that names it: checked by the service, since the
# task is a public policy row); the programme office files them for a unit without platform users.
UNIT_FILED_POLICY = AccessPolicy(
    owner_path=("organization", "task__units__organization"),
    grants={"view": UNIT_ROLES, "add": UNIT_ROLES},
    all_rows={"view": PROGRAM_OFFICE_ONLY, **OFFICE_EDITS},
)


class Milestone(DomainModel):
    """A dated step of a policy task, owned by one of its units."""

    task = models.ForeignKey("policy.PolicyTask", verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("unit"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    sort_order = models.PositiveIntegerField(default=0)

    access_policy = AccessPolicy(
        owner_path=TASK_RECORD_POLICY.owner_path, grants=TASK_RECORD_POLICY.grants,
        all_rows=TASK_RECORD_POLICY.all_rows,
        actions={
            # the milestone's own unit marks it done (a lead unit of the task may too: checked by the service,
            # the lead being the task's lead units or, where the document names none, its responsible units)
            "complete": Action(_("complete"), roles=UNIT_ROLES, all_rows=PROGRAM_OFFICE_ONLY, path="organization"),
        },
        region_path="task__document__region",
    )

    class Meta:
        ordering = ["task", "due", "sort_order"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.UniqueConstraint(fields=["task", "title"], name="unique_milestone_title")]

    def __str__(self):
        return f"{self.title} ({self.due})"


class Extension(DomainModel):
    """A request to move a task's deadline: who asked, why, who decided. Approved ones are counted per task."""

    task = models.ForeignKey("policy.PolicyTask", verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="extensions")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("requested by unit"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey("accounts.User", verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    old_deadline = models.DateField(_("old deadline"), null=True, blank=True)
    new_deadline = models.DateField(_("new deadline"))
    state = models.CharField(_("state"), max_length=20, choices=ExtensionState.choices,
                             default=ExtensionState.REQUESTED)
    decided_by = models.ForeignKey("accounts.User", verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    access_policy = AccessPolicy(
        owner_path=UNIT_FILED_POLICY.owner_path, grants=UNIT_FILED_POLICY.grants,
        all_rows=UNIT_FILED_POLICY.all_rows,
        actions={
            "approve": Action(_("approve"), all_rows=PROGRAM_OFFICE_ONLY, source=(ExtensionState.REQUESTED,),
                              target=ExtensionState.APPROVED),
            "reject": Action(_("reject"), all_rows=PROGRAM_OFFICE_ONLY, source=(ExtensionState.REQUESTED,),
                             target=ExtensionState.REJECTED),
        },
        region_path="organization__region",
    )

    class Meta:
        ordering = ["task", "requested_at"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")

    def __str__(self):
        return f"{self.task.number}: {self.old_deadline} → {self.new_deadline}"


def report_upload_to(instance, filename):
    return f"program/reports/{instance.task_id}/{instance.organization_id}/{instance.period:%Y-%m}/{filename}"


class ProgressReport(DomainModel):
    """A unit's progress on a task for one period (a month by default): text, figures against the task's
    indicators (``{indicator key: value}``) and an optional attachment."""

    task = models.ForeignKey("policy.PolicyTask", verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="progress_reports")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("unit"), on_delete=models.PROTECT,
                                     related_name="+")
    period = models.DateField(_("period"), help_text=_("First day of the reported month."))
    text = models.TextField(_("progress"))
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    attachment = models.FileField(_("attachment"), upload_to=report_upload_to, blank=True)
    submitted_by = models.ForeignKey("accounts.User", verbose_name=_("submitted by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now=True)

    access_policy = replace(UNIT_FILED_POLICY, region_path="organization__region")

    class Meta:
        ordering = ["task", "-period", "organization"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [models.UniqueConstraint(fields=["task", "organization", "period"], name="one_report_per_period")]

    def __str__(self):
        return f"{self.task.number} {self.organization} {self.period:%Y-%m}"


class StatusRule(DomainModel):
    """One colour rule of the status engine (evaluated in ``order``; the first that holds decides). The office
    edits them; see :mod:`rollout5g.core.status_rules` for the kinds and their parameters."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    order = models.PositiveIntegerField(_("order"))
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices)
    kind = models.CharField(_("kind"), max_length=30)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    message = models.CharField(_("explanation (English)"), max_length=300)
    message_zh = models.CharField(_("explanation (Chinese)"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    access_policy = AccessPolicy(public=models.Q(), all_rows=OFFICE_EDITS)

    class Meta:
        ordering = ["order"]
        verbose_name = _("status rule")
        verbose_name_plural = _("status rules")

    def __str__(self):
        return f"{self.order}. {self.code} → {self.colour}"

    @property
    def label(self) -> str:
        """What the rule checks, in the reader's language ("有节点逾期超过30天")."""
        return rule_label(self.kind, self.params)

    @property
    def kind_label(self) -> str:
        return RuleKind(self.kind).label if self.kind in RuleKind.values else self.kind

    @property
    def explanation(self) -> str:
        """The explanation in the reader's language (the Chinese one where it exists)."""
        from django.utils.translation import get_language

        if (get_language() or "").startswith("zh") and self.message_zh:
            return self.message_zh
        return self.message


def rule_label(kind: str, params: dict | None) -> str:
    """A short name of a colour rule from its kind and parameters, for a person (the code is for the data file)."""
    from django.utils.translation import gettext, ngettext

    from rollout5g.platform.formats import percent
    from rollout5g.policy.choices import TaskStatus

    p = params or {}
    if kind == "status_in":
        names = "、".join(str(TaskStatus(s).label) if s in TaskStatus.values else s for s in p.get("statuses", ()))
        return gettext("Task status is %(statuses)s") % {"statuses": names}
    if kind == "not_started":
        return gettext("Not started and no progress report")
    if kind == "overdue":
        days = int(p.get("grace_days", 0))
        if not days:
            return gettext("Past its deadline")
        return ngettext("More than %(days)d day past its deadline", "More than %(days)d days past its deadline",
                        days) % {"days": days}
    if kind == "milestone_overdue":
        days = int(p.get("grace_days", 0))
        if not days:
            return gettext("A milestone is late")
        return ngettext("A milestone more than %(days)d day late", "A milestone more than %(days)d days late",
                        days) % {"days": days}
    if kind == "indicator_behind":
        return gettext("An indicator below %(share)s of its time-prorated target") % {
            "share": percent(p.get("below", 1.0))}
    if kind == "deadline_near":
        days = int(p.get("working_days", 10))
        return ngettext("At most %(days)d working day to the deadline", "At most %(days)d working days to the deadline",
                        days) % {"days": days}
    if kind == "report_missing":
        days = int(p.get("days", 45))
        return ngettext("No progress report for %(days)d day", "No progress report for %(days)d days",
                        days) % {"days": days}
    if kind == "default":
        return gettext("On schedule")
    return kind


class EvaluationIndicator(DomainModel):
    """An indicator of the regional evaluation (Zhejiang task 29) at one ``level`` (the county-level regions of a
    city, or the cities of a province) with its published weight and the target of each region (``targets``:
    ``{adcode: value}``). ``indicator`` names where the actual comes from: a policy indicator (observed through
    ``policy.indicators.observe``)."""

    level = models.CharField(_("level"), max_length=10, choices=EvaluationLevel.choices,
                             default=EvaluationLevel.COUNTY)
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=4)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    indicator = models.ForeignKey("policy.Indicator", verbose_name=_("policy indicator"), on_delete=models.PROTECT,
                                  related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    targets = models.JSONField(_("targets per region"), default=dict)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    source_note = models.CharField(_("where weight and targets are published"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    access_policy = AccessPolicy(public=models.Q(), all_rows=OFFICE_EDITS,
                                 region_path="indicator__document__region")

    class Meta:
        ordering = ["level", "sort_order", "code"]
        verbose_name = _("evaluation indicator")
        verbose_name_plural = _("evaluation indicators")
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="unique_evaluation_indicator")]

    def __str__(self):
        return self.name


class EvaluationPublication(DomainModel):
    """The results of an evaluation as the office published them to the evaluated regions (task 29: the province
    publishes the cities' scores to the cities). ``region`` is the region whose children were evaluated (the
    province); each evaluated region's frozen result is an :class:`EvaluationResult`."""

    level = models.CharField(_("level"), max_length=10, choices=EvaluationLevel.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("evaluated within"), on_delete=models.PROTECT,
                               related_name="+")
    as_of = models.DateField(_("as of"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey("accounts.User", verbose_name=_("published by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    #: the published weights {code: weight} and the indicators' names, as they were
    method = models.JSONField(_("method"), default=dict)

    access_policy = AccessPolicy(all_rows={"view": PROGRAM_OFFICE_ONLY, **OFFICE_EDITS}, region_path="region")

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("published evaluation")
        verbose_name_plural = _("published evaluations")

    def __str__(self):
        return f"{self.get_level_display()} {self.as_of}"


class EvaluationResult(DomainModel):
    """One evaluated region's result as published: score, rank, tier, the TOPSIS closeness and each indicator's
    actual, target, completion and points (``cells``). A city's office reads its own city's rows."""

    publication = models.ForeignKey(EvaluationPublication, verbose_name=_("publication"), on_delete=models.CASCADE,
                                    related_name="results")
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    score = models.FloatField(_("score"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    tier = models.CharField(_("tier"), max_length=30)
    topsis = models.FloatField(_("TOPSIS closeness"), null=True, blank=True)
    cells = models.JSONField(_("indicators"), default=list)
    #: names of the indicators with no observation for this region (scored as 0)
    missing = models.JSONField(_("no observation"), default=list)

    access_policy = AccessPolicy(all_rows={"view": PROGRAM_OFFICE_ONLY, **OFFICE_EDITS}, region_path="region")

    class Meta:
        ordering = ["publication", "rank", "region"]
        verbose_name = _("published evaluation result")
        verbose_name_plural = _("published evaluation results")
        constraints = [models.UniqueConstraint(fields=["publication", "region"], name="one_result_per_region")]

    def __str__(self):
        return f"{self.region_id} {self.score:.1f}"


class Snapshot(DomainModel):
    """A frozen copy of every task's status and colour and every indicator's observed values (monthly)."""

    label = models.CharField(_("label"), max_length=100)
    as_of = models.DateField(_("as of"))
    #: the programme office's region (a city's office takes its city's snapshots; empty: the deployment's)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    data = models.JSONField(_("data"), default=dict)

    access_policy = AccessPolicy(all_rows={"view": PROGRAM_OFFICE_ONLY, **OFFICE_EDITS}, region_path="region")

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        constraints = [models.UniqueConstraint(fields=["region", "as_of"], name="one_snapshot_per_region_day")]

    def __str__(self):
        return self.label


class Meeting(DomainModel):
    """A session of the joint meeting (联席会议) of the leading group's member units."""

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    #: the region whose leading group meets (a city's office holds its city's meetings; empty: the deployment's)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("minutes"), blank=True)

    access_policy = AccessPolicy(grants={"view": UNIT_ROLES}, owner_path="actions__organization",
                                 all_rows={"view": PROGRAM_OFFICE_ONLY, **OFFICE_EDITS}, region_path="region")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        constraints = [models.UniqueConstraint(fields=["region", "title", "held_on"], name="unique_meeting_region")]

    def __str__(self):
        return f"{self.title} ({self.held_on})"


class AgendaItem(DomainModel):
    """A task put on the agenda, with the colour and the rule that put it there."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    task = models.ForeignKey("policy.PolicyTask", verbose_name=_("task"), on_delete=models.CASCADE, related_name="+")
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices)
    reason = models.CharField(_("reason"), max_length=300)
    sort_order = models.PositiveIntegerField(default=0)

    access_policy = AccessPolicy(grants={"view": UNIT_ROLES}, owner_path="task__units__organization",
                                 all_rows={"view": PROGRAM_OFFICE_ONLY, **OFFICE_EDITS},
                                 region_path="task__document__region")

    class Meta:
        ordering = ["meeting", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "task"], name="unique_agenda_task")]

    def __str__(self):
        return str(self.task)


class FollowUpAction(DomainModel):
    """A decision of the joint meeting, assigned to a unit with a due date and tracked to done."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="actions")
    task = models.ForeignKey("policy.PolicyTask", verbose_name=_("task"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="follow_up_actions")
    decision = models.TextField(_("decision"))
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("assigned unit"),
                                     on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=10, choices=ActionState.choices, default=ActionState.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_note = models.TextField(_("how it was done"), blank=True)

    access_policy = AccessPolicy(
        owner_path="organization", grants={"view": UNIT_ROLES, "change": UNIT_ROLES},
        all_rows={"view": PROGRAM_OFFICE_ONLY, **OFFICE_EDITS},
        actions={
            "complete": Action(_("complete"), roles=UNIT_ROLES, all_rows=PROGRAM_OFFICE_ONLY,
                               source=(ActionState.OPEN,), target=ActionState.DONE),
        },
        region_path="organization__region",
    )

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self):
        return self.decision[:60]
