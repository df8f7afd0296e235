"""The joint meeting (联席会议): its agenda from the red tasks, its decisions as follow-up actions."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from rollout5g.audit.services import record_event, snapshot
from rollout5g.platform.workflow import authorize_create, transition
from rollout5g.policy.models import PolicyTask

from ..models import AgendaItem, FollowUpAction, Meeting


def meeting_create(*, actor, title: str, held_on: dt.date, notes: str = "", today: dt.date | None = None) -> Meeting:
    """Create a joint meeting with an agenda item for every red task (the rule that made it red as the reason).

    The meeting belongs to the actor's office's region (a city's office in a province deployment: its city, whose
    agenda takes the red tasks of its city's documents and of the documents above it); the home region's office
    holds the deployment's meetings (no region)."""
    from rollout5g.regions.services import lineage

    from ..selectors import task_statuses
    from .common import office_region

    authorize_create(actor, Meeting)
    region = office_region(actor)
    tasks = PolicyTask.objects.all()
    if region is not None:
        tasks = tasks.filter(document__region_id__in=lineage(region.pk))
    with transaction.atomic():
        meeting = Meeting(title=title, held_on=held_on, notes=notes, region=region)
        meeting.full_clean()
        meeting.save()
        record_event(actor=actor, action="create", obj=meeting, after=snapshot(meeting))
        red = [row for row in task_statuses(tasks, today=today or held_on)
               if row.verdict.colour == "red"]
        for n, row in enumerate(red):
            AgendaItem.objects.create(meeting=meeting, task=row.task, colour="red", reason=row.verdict.message[:300],
                                      sort_order=n)
        record_event(actor=actor, action="update", obj=meeting, after={"agenda": [r.task.number for r in red]})
    return meeting


def action_create(*, actor, meeting: Meeting, decision: str, organization, due: dt.date, task=None) -> FollowUpAction:
    authorize_create(actor, FollowUpAction)
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
    """The assigned unit (or the office) closes a follow-up action (declared: FollowUpAction "complete")."""
    return transition(action, "complete", actor=actor, note=note, done_on=done_on, done_note=note)
