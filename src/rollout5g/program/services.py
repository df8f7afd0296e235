"""Business actions of programme supervision. Each is atomic and audited; ``actor`` first, keyword-only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.core.status_rules import rules_from_data
from rollout5g.policy.choices import TaskStatus, UnitRole, ValueSource
from rollout5g.policy.models import Indicator, IndicatorValue, PolicyTask

from .choices import TASK_FLOW, ActionState, ExtensionState
from .models import (
    AgendaItem,
    EvaluationIndicator,
    Extension,
    FollowUpAction,
    Meeting,
    Milestone,
    ProgressReport,
    Snapshot,
    StatusRule,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


# -- who may act on a task -----------------------------------------------------------------------------------------
def task_unit_ids(task: PolicyTask, roles=None) -> set[int]:
    """Organizations named on the task (in ``roles``, default every role)."""
    units = task.units.all()
    return {u.organization_id for u in units if u.organization_id and (roles is None or u.role in roles)}


def lead_unit_ids(task: PolicyTask) -> set[int]:
    """The units that move the task through its flow: its lead units, or its responsible units where the document
    names no lead (the Jiaxing opinions name 责任单位 only; the first listed leads in practice, all may act)."""
    return task_unit_ids(task, {UnitRole.LEAD}) or task_unit_ids(task, {UnitRole.RESPONSIBLE})


def is_office(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_program_office)


def may_report(user, task: PolicyTask) -> bool:
    return is_office(user) or bool(user and user.is_authenticated and user.organization_id in task_unit_ids(task))


def may_lead(user, task: PolicyTask) -> bool:
    return bool(user and user.is_authenticated and user.organization_id in lead_unit_ids(task))


def allowed_transitions(user, task: PolicyTask) -> list[str]:
    out = []
    for to_status, who in TASK_FLOW.get(task.status, {}).items():
        if (who == "office" and is_office(user)) or (who == "lead" and (may_lead(user, task) or is_office(user))):
            out.append(to_status)
    return out


def effective_deadline(task: PolicyTask) -> dt.date | None:
    """The latest approved extension's deadline, else the task's own, else its last milestone's due date."""
    ext = task.extensions.filter(state=ExtensionState.APPROVED).order_by("-decided_at", "-pk").first()
    if ext is not None:
        return ext.new_deadline
    if task.deadline:
        return task.deadline
    last = task.milestones.order_by("-due").first()
    return last.due if last else None


# -- the task flow ---------------------------------------------------------------------------------------------------
def task_transition(*, actor, task: PolicyTask, to_status: str, note: str = "") -> PolicyTask:
    """Move a task along assigned → accepted → in progress → submitted → closed. The lead unit moves it up to
    "submitted"; the programme office closes it or sends it back (the office may also act for a unit without
    platform users, e.g. a provincial department)."""
    if to_status not in TaskStatus.values:
        raise ValidationError({"status": f"unknown status {to_status!r}"})
    if to_status not in TASK_FLOW.get(task.status, {}):
        raise ValidationError({"status": f"a task cannot go from {task.status} to {to_status}"})
    if to_status not in allowed_transitions(actor, task):
        who = TASK_FLOW[task.status][to_status]
        raise PermissionDenied(f"only {'the programme office' if who == 'office' else 'a lead unit'} may move task "
                               f"{task.number} to {to_status}")
    with transaction.atomic():
        task = PolicyTask.objects.select_for_update().get(pk=task.pk)
        before = snapshot(task)
        task.status = to_status
        task.save(update_fields=["status"])
        record_changes(actor=actor, obj=task, before=before, action="transition", note=note)
    return task


# -- milestones --------------------------------------------------------------------------------------------------
def milestone_create(*, actor, task: PolicyTask, title: str, due: dt.date, organization=None) -> Milestone:
    if not (is_office(actor) or may_lead(actor, task)):
        raise PermissionDenied("only the programme office or a lead unit may plan milestones")
    with transaction.atomic():
        milestone = Milestone(task=task, title=title, due=due, organization=organization,
                              sort_order=task.milestones.count())
        milestone.full_clean()
        milestone.save()
        record_event(actor=actor, action="create", obj=milestone, after=snapshot(milestone))
    return milestone


def milestone_complete(*, actor, milestone: Milestone, done_on: dt.date, note: str = "") -> Milestone:
    task = milestone.task
    if not (is_office(actor) or may_lead(actor, task)
            or (actor.organization_id and actor.organization_id == milestone.organization_id)):
        raise PermissionDenied("only the milestone's unit, a lead unit or the programme office may complete it")
    with transaction.atomic():
        before = snapshot(milestone)
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        record_changes(actor=actor, obj=milestone, before=before, action="update", note=note)
        # the task's own timeline shows the step too
        record_event(actor=actor, action="update", obj=task, after={"milestone_done": milestone.title,
                                                                    "done_on": done_on.isoformat()}, note=note)
    return milestone


# -- extensions -------------------------------------------------------------------------------------------------
def extension_request(*, actor, task: PolicyTask, new_deadline: dt.date, reason: str, organization=None) -> Extension:
    """A unit of the task asks to move its deadline (the office may ask on behalf of a unit)."""
    organization = organization or actor.organization
    if not reason.strip():
        raise ValidationError({"reason": "give the reason for the extension"})
    if not (is_office(actor) or (organization and organization.pk in task_unit_ids(task)
                                 and actor.organization_id == organization.pk)):
        raise PermissionDenied("only a unit of the task may ask for an extension")
    old = effective_deadline(task)
    if old is not None and new_deadline <= old:
        raise ValidationError({"new_deadline": f"the new deadline must be after the current one ({old})"})
    with transaction.atomic():
        ext = Extension(task=task, organization=organization, requested_by=actor, reason=reason,
                        old_deadline=old, new_deadline=new_deadline)
        ext.full_clean()
        ext.save()
        record_event(actor=actor, action="create", obj=ext, after=snapshot(ext))
        record_event(actor=actor, action="update", obj=task, note=reason,
                     after={"extension_requested": new_deadline.isoformat(), "by": str(organization)})
    return ext


def extension_decide(*, actor, extension: Extension, approve: bool, note: str = "") -> Extension:
    if not is_office(actor):
        raise PermissionDenied("only the programme office decides extensions")
    if extension.state != ExtensionState.REQUESTED:
        raise ValidationError({"state": f"the extension is already {extension.state}"})
    with transaction.atomic():
        before = snapshot(extension)
        extension.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
        extension.decided_by, extension.decided_at, extension.decision_note = actor, timezone.now(), note
        extension.save()
        record_changes(actor=actor, obj=extension, before=before, action="transition", note=note)
        record_event(actor=actor, action="update", obj=extension.task, note=note,
                     after={"extension": extension.state, "new_deadline": extension.new_deadline.isoformat()})
    return extension


# -- progress reports -----------------------------------------------------------------------------------------
NOT_LOGGED = ("attachment", "submitted_at")  # a file is logged by name; the timestamp is the event's own


def _period(value: dt.date) -> dt.date:
    return value.replace(day=1)


def clean_figures(task: PolicyTask, figures: dict) -> dict:
    """Figures keyed by the indicator keys of the task's targets, as decimal strings."""
    allowed = {t.indicator.key for t in task.targets.select_related("indicator")}
    out = {}
    for key, value in (figures or {}).items():
        if value in (None, ""):
            continue
        if key not in allowed:
            raise ValidationError({"figures": f"{key!r} is not an indicator of task {task.number} "
                                              f"(valid: {', '.join(sorted(allowed)) or 'none'})"})
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValidationError({"figures": f"{key}: {value!r} is not a number"}) from exc
        if not number.is_finite():
            raise ValidationError({"figures": f"{key}: {value!r} is not a number"})
        out[key] = str(number)
    return out


def report_submit(*, actor, task: PolicyTask, period: dt.date, text: str, figures: dict | None = None,
                  attachment=None, organization=None) -> ProgressReport:
    """Create or replace a unit's report for one month. A unit reports only on tasks that name it; the programme
    office may enter a report on behalf of a named unit (e.g. a provincial department without platform users)."""
    organization = organization or actor.organization
    if organization is None or organization.pk not in task_unit_ids(task):
        raise PermissionDenied(f"{organization} is not a unit of task {task.number}")
    if not is_office(actor) and actor.organization_id != organization.pk:
        raise PermissionDenied("a unit reports only for itself")
    if not text.strip():
        raise ValidationError({"text": "describe the progress"})
    figures = clean_figures(task, figures or {})
    with transaction.atomic():
        report = ProgressReport.objects.filter(task=task, organization=organization, period=_period(period)).first()
        before = snapshot(report, exclude=NOT_LOGGED) if report else None
        if report is None:
            report = ProgressReport(task=task, organization=organization, period=_period(period))
        report.text, report.figures, report.submitted_by = text, figures, actor
        if attachment is not None:
            report.attachment = attachment
        report.full_clean()
        report.save()
        if before is None:
            record_event(actor=actor, action="create", obj=report,
                         after={**snapshot(report, exclude=NOT_LOGGED), "attachment": report.attachment.name or ""})
        else:
            record_changes(actor=actor, obj=report, before=before, exclude=NOT_LOGGED)
        record_event(actor=actor, action="update", obj=task, note=text[:200],
                     after={"report": f"{report.period:%Y-%m}", "unit": str(organization), "figures": figures})
    return report


# -- observed values entered with a source ----------------------------------------------------------------------
def indicator_value_enter(*, actor, indicator: Indicator, region, as_of: dt.date, value, source_note: str
                          ) -> IndicatorValue:
    """Enter (or correct) an observed value with its source. Any unit may enter values for its own reporting; the
    entry names who entered it and why it is trusted (``source_note``)."""
    if actor is not None and not (is_office(actor) or actor.role in ("department", "operator")):
        raise PermissionDenied("only the programme office or a unit may enter indicator values")
    if not source_note.strip():
        raise ValidationError({"source_note": "name the source of the value"})
    try:
        value = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError({"value": f"{value!r} is not a number"}) from exc
    with transaction.atomic():
        row = IndicatorValue.objects.filter(indicator=indicator, region=region, as_of=as_of).first()
        before = snapshot(row) if row else None
        row = row or IndicatorValue(indicator=indicator, region=region, as_of=as_of)
        row.value, row.source, row.source_note = value, ValueSource.ENTERED, source_note
        row.entered_by = actor if actor is not None and actor.pk else None
        row.full_clean()
        row.save()
        if before is None:
            record_event(actor=actor, action="create", obj=row, after=snapshot(row))
        else:
            record_changes(actor=actor, obj=row, before=before)
    return row


# -- rules and weights as data ------------------------------------------------------------------------------------
def load_status_rules(path: Path | None = None, *, actor=None, replace: bool = False) -> int:
    """Load the colour rules from YAML (validated first: a bad rule loads nothing). Existing rules the office edited
    are kept unless ``replace``. Returns the number of rules created or changed."""
    path = path or DATA_DIR / "status_rules.yaml"
    rows = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    rules_from_data(rows)  # raises ValueError naming the bad row
    changed = 0
    with transaction.atomic():
        for order, row in enumerate(rows, start=1):
            fields = {"order": order * 10, "colour": row["colour"], "kind": row["kind"],
                      "params": row.get("params") or {}, "message": row.get("message", ""),
                      "message_zh": row.get("message_zh", "")}
            rule = StatusRule.objects.filter(code=row["code"]).first()
            if rule is None:
                rule = StatusRule.objects.create(code=row["code"], **fields)
                record_event(actor=actor, action="create", obj=rule, after=snapshot(rule), system_label="system:load")
                changed += 1
            elif replace:
                before = snapshot(rule)
                for k, v in fields.items():
                    setattr(rule, k, v)
                rule.save()
                changed += record_changes(actor=actor, obj=rule, before=before, system_label="system:load") is not None
    return changed


def status_rule_update(*, actor, rule: StatusRule, **fields) -> StatusRule:
    if not is_office(actor):
        raise PermissionDenied("only the programme office edits the status rules")
    allowed = {"order", "colour", "params", "message", "message_zh", "active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({"fields": f"cannot change {sorted(unknown)}"})
    with transaction.atomic():
        before = snapshot(rule)
        for k, v in fields.items():
            setattr(rule, k, v)
        rules_from_data([{"code": rule.code, "colour": rule.colour, "kind": rule.kind, "params": rule.params}])
        rule.full_clean()
        rule.save()
        record_changes(actor=actor, obj=rule, before=before)
    return rule


def evaluation_config(path: Path | None = None) -> dict:
    return yaml.safe_load(Path(path or DATA_DIR / "evaluation.yaml").read_text(encoding="utf-8"))


def load_evaluation_indicators(path: Path | None = None, *, actor=None) -> int:
    """Load the evaluation indicators, weights and county targets from YAML (all or nothing)."""
    config = evaluation_config(path)
    rows = config["indicators"]
    total = sum(Decimal(str(r["weight"])) for r in rows)
    if total != 1:
        raise ValueError(f"evaluation weights must sum to 1, they sum to {total}")
    created = 0
    with transaction.atomic():
        for n, row in enumerate(rows):
            indicator = Indicator.objects.filter(key=row["indicator"]).first()
            if indicator is None:
                raise ValueError(f"evaluation indicator {row['code']}: unknown policy indicator {row['indicator']!r}")
            fields = {"name": row["name"], "weight": Decimal(str(row["weight"])), "direction": row["direction"],
                      "indicator": indicator, "year": int(row.get("year", config["year"])),
                      "targets": {str(k): float(v) for k, v in row["targets"].items()}, "unit": row.get("unit", ""),
                      "source_note": row.get("source_note", ""), "sort_order": n}
            obj, was_created = EvaluationIndicator.objects.get_or_create(code=row["code"], defaults=fields)
            if was_created:
                created += 1
                record_event(actor=actor, action="create", obj=obj, after=snapshot(obj), system_label="system:load")
    return created


def evaluation_weights_set(*, actor, weights: dict[str, Decimal]) -> None:
    """Set the published weights (``{code: weight}``, all of them, summing to 1) in one audited change."""
    if not is_office(actor):
        raise PermissionDenied("only the programme office sets the evaluation weights")
    rows = {e.code: e for e in EvaluationIndicator.objects.all()}
    if set(weights) != set(rows):
        raise ValidationError({"weights": f"give a weight for each of {sorted(rows)}"})
    values = {k: Decimal(str(v)) for k, v in weights.items()}
    if any(v < 0 for v in values.values()) or sum(values.values()) != 1:
        raise ValidationError({"weights": f"weights must be >= 0 and sum to 1 (they sum to {sum(values.values())})"})
    with transaction.atomic():
        for code, value in values.items():
            before = snapshot(rows[code])
            rows[code].weight = value
            rows[code].save(update_fields=["weight"])
            record_changes(actor=actor, obj=rows[code], before=before)


# -- joint meeting ------------------------------------------------------------------------------------------------
def meeting_create(*, actor, title: str, held_on: dt.date, notes: str = "", today: dt.date | None = None) -> Meeting:
    """Create a joint meeting with an agenda item for every red task (the rule that made it red as the reason)."""
    from .selectors import task_statuses

    if not is_office(actor):
        raise PermissionDenied("only the programme office convenes the joint meeting")
    with transaction.atomic():
        meeting = Meeting(title=title, held_on=held_on, notes=notes)
        meeting.full_clean()
        meeting.save()
        record_event(actor=actor, action="create", obj=meeting, after=snapshot(meeting))
        red = [row for row in task_statuses(PolicyTask.objects.all(), today=today or held_on)
               if row.verdict.colour == "red"]
        for n, row in enumerate(red):
            AgendaItem.objects.create(meeting=meeting, task=row.task, colour="red", reason=row.verdict.message[:300],
                                      sort_order=n)
        record_event(actor=actor, action="update", obj=meeting, after={"agenda": [r.task.number for r in red]})
    return meeting


def action_create(*, actor, meeting: Meeting, decision: str, organization, due: dt.date, task=None) -> FollowUpAction:
    if not is_office(actor):
        raise PermissionDenied("only the programme office records the meeting's decisions")
    with transaction.atomic():
        action = FollowUpAction(meeting=meeting, decision=decision, organization=organization, due=due, task=task)
        action.full_clean()
        action.save()
        record_event(actor=actor, action="create", obj=action, after=snapshot(action))
        if task is not None:
            record_event(actor=actor, action="update", obj=task, note=decision,
                         after={"follow_up": decision[:100], "unit": str(organization), "due": due.isoformat()})
    return action


def action_complete(*, actor, action: FollowUpAction, done_on: dt.date, note: str = "") -> FollowUpAction:
    if not (is_office(actor) or actor.organization_id == action.organization_id):
        raise PermissionDenied("only the assigned unit or the programme office may close a follow-up action")
    if action.state == ActionState.DONE:
        raise ValidationError({"state": "the action is already done"})
    with transaction.atomic():
        before = snapshot(action)
        action.state, action.done_on, action.done_note = ActionState.DONE, done_on, note
        action.save()
        record_changes(actor=actor, obj=action, before=before, note=note)
    return action


# -- snapshots ----------------------------------------------------------------------------------------------------
def snapshot_data(as_of: dt.date) -> dict:
    """Every task's status and colour and every indicator's observed value per target region on ``as_of``."""
    from rollout5g.policy.indicators import observe
    from rollout5g.policy.models import IndicatorTarget

    from .selectors import task_statuses

    tasks = {
        str(row.task.pk): {"number": row.task.number, "document": row.task.document.key, "title": row.task.title,
                           "status": row.task.status, "colour": row.verdict.colour, "rule": row.verdict.rule,
                           "message": row.verdict.message}
        for row in task_statuses(PolicyTask.objects.all(), today=as_of)
    }
    indicators: dict[str, dict] = {}
    pairs = IndicatorTarget.objects.select_related("indicator", "region").order_by("indicator__key", "region_id")
    for target in pairs:
        values = indicators.setdefault(target.indicator.key, {})
        if target.region_id in values:
            continue
        obs = observe(target.indicator, target.region, as_of)
        values[target.region_id] = str(obs.value) if obs else None
    return {"tasks": tasks, "indicators": indicators}


def snapshot_take(*, actor, as_of: dt.date, label: str = "") -> tuple[Snapshot, bool]:
    """Freeze the state on ``as_of`` (one snapshot per day; an existing one is kept: snapshots are history)."""
    existing = Snapshot.objects.filter(as_of=as_of).first()
    if existing is not None:
        return existing, False
    if actor is not None and not is_office(actor):
        raise PermissionDenied("only the programme office takes snapshots")
    data = snapshot_data(as_of)
    with transaction.atomic():
        snap = Snapshot.objects.create(as_of=as_of, label=label or f"{as_of:%Y-%m}", data=data)
        record_event(actor=actor, action="create", obj=snap, after={"as_of": as_of.isoformat(),
                                                                    "tasks": len(data["tasks"])},
                     system_label="system:snapshot")
    return snap, True


def snapshot_diff(old: Snapshot, new: Snapshot) -> dict:
    """What changed from ``old`` to ``new``: tasks whose status or colour changed, indicator values that moved."""
    tasks = []
    for pk, after in new.data.get("tasks", {}).items():
        before = old.data.get("tasks", {}).get(pk)
        if before is None:
            tasks.append({"pk": int(pk), **after, "before_status": None, "before_colour": None})
        elif before["status"] != after["status"] or before["colour"] != after["colour"]:
            tasks.append({"pk": int(pk), **after, "before_status": before["status"],
                          "before_colour": before["colour"], "before_message": before.get("message", "")})
    indicators = []
    for key, values in new.data.get("indicators", {}).items():
        for region, value in values.items():
            before = old.data.get("indicators", {}).get(key, {}).get(region)
            if before != value:
                delta = None
                if before is not None and value is not None:
                    delta = str(Decimal(value) - Decimal(before))
                indicators.append({"indicator": key, "region": region, "before": before, "after": value,
                                   "delta": delta})
    return {"tasks": tasks, "indicators": indicators}
