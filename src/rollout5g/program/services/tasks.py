"""The task flow and what moves a task's dates: milestones and deadline extensions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rollout5g.audit.services import record_changes, record_event, snapshot
from rollout5g.platform.workflow import ActionRefused, authorize, authorize_create, transition
from rollout5g.policy.choices import TaskStatus
from rollout5g.policy.models import PolicyTask

from ..choices import TASK_FLOW
from ..models import Extension, Milestone
from .common import (
    _check_actor,
    allowed_transitions,
    effective_deadline,
    may_lead,
    require_lead,
    require_unit,
)


def task_transition(*, actor, task: PolicyTask, to_status: str, note: str = "") -> PolicyTask:
    """Move a task along assigned → accepted → in progress → submitted → closed. The lead unit moves it up to
    "submitted"; the programme office closes it or sends it back (the office may also act for a unit without
    platform users, e.g. a provincial department)."""
    _check_actor(actor)
    if to_status not in TaskStatus.values:
        raise ValidationError({"status": f"unknown status {to_status!r}"})
    if to_status not in TASK_FLOW.get(task.status, {}):
        raise ValidationError({"status": f"a task cannot go from {task.status} to {to_status}"})
    if to_status not in allowed_transitions(actor, task):
        who = TASK_FLOW[task.status][to_status]
        raise ActionRefused(
            (_("Only the programme office may move task %(task)s to %(status)s.") if who == "office" else
             _("Only a lead unit may move task %(task)s to %(status)s."))
            % {"task": task.number, "status": TaskStatus(to_status).label})
    with transaction.atomic():
        task = PolicyTask.objects.select_for_update().get(pk=task.pk)
        before = snapshot(task)
        task.status = to_status
        task.save(update_fields=["status"])
        record_changes(actor=actor, obj=task, before=before, action="transition", note=note)
    return task


def milestone_create(*, actor, task: PolicyTask, title: str, due: dt.date, organization=None) -> Milestone:
    require_lead(actor, task, _("plan milestones"))
    with transaction.atomic():
        milestone = Milestone(task=task, title=title, due=due, organization=organization,
                              sort_order=task.milestones.count())
        milestone.full_clean()
        milestone.save()
        record_event(actor=actor, action="create", obj=milestone, after=snapshot(milestone))
    return milestone


def milestone_complete(*, actor, milestone: Milestone, done_on: dt.date, note: str = "") -> Milestone:
    """The milestone's unit (declared: Milestone "complete"), a lead unit of the task or the office marks it done."""
    _check_actor(actor)
    task = milestone.task
    if not may_lead(actor, task):
        authorize(actor, "complete", milestone)
    with transaction.atomic():
        before = snapshot(milestone)
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        record_changes(actor=actor, obj=milestone, before=before, action="update",
                       note=f"complete: {note}" if note else "complete")
        # the task's own timeline shows the step too
        record_event(actor=actor, action="update", obj=task, after={"milestone_done": milestone.title,
                                                                    "done_on": done_on.isoformat()}, note=note)
    return milestone


def extension_request(*, actor, task: PolicyTask, new_deadline: dt.date, reason: str, organization=None) -> Extension:
    """A unit of the task asks to move its deadline (the office may ask on behalf of a unit)."""
    _check_actor(actor)
    organization = organization or actor.organization
    if not reason.strip():
        raise ValidationError({"reason": "give the reason for the extension"})
    authorize_create(actor, Extension, owner=organization)
    require_unit(actor, task, organization)
    old = effective_deadline(task)
    if old is not None and new_deadline <= old:
        raise ValidationError({"new_deadline": f"the new deadline must be after the current one ({old})"})
    with transaction.atomic():
        ext = Extension(task=task, organization=organization, requested_by=actor if getattr(actor, "pk", None) else None,
                        reason=reason, old_deadline=old, new_deadline=new_deadline)
        ext.full_clean()
        ext.save()
        record_event(actor=actor, action="create", obj=ext, after=snapshot(ext))
        record_event(actor=actor, action="update", obj=task, note=reason,
                     after={"extension_requested": new_deadline.isoformat(), "by": str(organization)})
    return ext


def extension_decide(*, actor, extension: Extension, approve: bool, note: str = "") -> Extension:
    """The programme office approves or rejects a requested extension (declared: Extension "approve"/"reject")."""
    with transaction.atomic():
        transition(extension, "approve" if approve else "reject", actor=actor, note=note,
                   decided_by=actor if getattr(actor, "pk", None) else None, decided_at=timezone.now(),
                   decision_note=note)
        record_event(actor=actor, action="update", obj=extension.task, note=note,
                     after={"extension": extension.state, "new_deadline": extension.new_deadline.isoformat()})
    return extension
