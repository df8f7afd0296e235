"""Who acts on a task: its units, its lead units, the programme office; and the deadline a task is held to.

The supervision records (milestones, extensions, reports, follow-up actions) declare their steps on their models
(:mod:`rollout5g.program.models`). Two relations of a *task* cannot be declared there, because the task is a public
row of :mod:`rollout5g.policy` and its lead is "the lead units, or the responsible units where the document names
no lead": :func:`require_unit` and :func:`require_lead` check them, refusing with the platform's
:class:`~rollout5g.platform.workflow.ActionRefused` like a declared step.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils.translation import gettext as _

from rollout5g.platform.actors import is_system
from rollout5g.platform.workflow import ActionRefused
from rollout5g.policy.choices import UnitRole
from rollout5g.policy.models import PolicyTask

from ..choices import TASK_FLOW, ExtensionState

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def task_unit_ids(task: PolicyTask, roles=None) -> set[int]:
    """Organizations named on the task (in ``roles``, default every role)."""
    units = task.units.all()
    return {u.organization_id for u in units if u.organization_id and (roles is None or u.role in roles)}


def lead_unit_ids(task: PolicyTask) -> set[int]:
    """The units that move the task through its flow: its lead units, or its responsible units where the document
    names no lead (the Jiaxing opinions name 责任单位 only; the first listed leads in practice, all may act)."""
    return task_unit_ids(task, {UnitRole.LEAD}) or task_unit_ids(task, {UnitRole.RESPONSIBLE})


def is_office(user) -> bool:
    """The programme office (or a process acting for the platform: the demo loader, a clock)."""
    return bool(user is not None and (is_system(user) or (user.is_authenticated and
                                                          (user.is_program_office or user.is_superuser))))


def office_region(actor):
    """The region an office's records (meetings, snapshots) belong to: the region of the actor's organization when
    the actor's region scope is narrower than the deployment (a city's office in a province deployment: its city);
    ``None`` — the deployment's — for the home region's units, a process or a superuser (docs/tenancy.md, rule 4)."""
    from rollout5g.platform.tenancy import region_scope

    if region_scope(actor) is None:
        return None
    return actor.organization.region


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


def _check_actor(actor) -> None:
    if actor is None:
        raise TypeError("an action needs its actor: a user, or rollout5g.platform.actors.SYSTEM for a process")


def require_unit(actor, task: PolicyTask, organization) -> None:
    """``organization`` is a unit of ``task`` and ``actor`` acts for it (or is the programme office)."""
    _check_actor(actor)
    if organization is None or organization.pk not in task_unit_ids(task):
        raise ActionRefused(_("%(unit)s is not a unit of task %(task)s.") % {"unit": organization or "—",
                                                                              "task": task.number})
    if not is_office(actor) and actor.organization_id != organization.pk:
        raise ActionRefused(_("A unit acts only for itself."))


def require_lead(actor, task: PolicyTask, what: str) -> None:
    """``actor`` is the programme office or a user of a lead unit of ``task``."""
    _check_actor(actor)
    if not (is_office(actor) or may_lead(actor, task)):
        raise ActionRefused(_("Only the programme office or a lead unit of task %(task)s may %(action)s.")
                            % {"task": task.number, "action": what})


def effective_deadline(task: PolicyTask) -> dt.date | None:
    """The latest approved extension's deadline, else the task's own, else its last milestone's due date."""
    ext = task.extensions.filter(state=ExtensionState.APPROVED).order_by("-decided_at", "-pk").first()
    if ext is not None:
        return ext.new_deadline
    if task.deadline:
        return task.deadline
    last = task.milestones.order_by("-due").first()
    return last.due if last else None
