"""Periodic checks of programme supervision (run by the worker thread of ``rollout5g serve/demo`` and by
``rollout5g worker``). Both are idempotent: warnings carry a key, snapshots are one per month."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from rollout5g.platform.actors import SYSTEM
from rollout5g.platform.jobs import periodic


def send_warnings(today: dt.date | None = None) -> int:
    """Warn the task's units and the programme office of red tasks (overdue, late milestone, indicator behind) and
    of deadlines coming up. The key holds the task, the rule and the month, so a warning goes out once a month per
    rule while the task stays in that state."""
    from rollout5g.accounts.choices import Role
    from rollout5g.accounts.models import User
    from rollout5g.notifications.services import notify

    from .selectors import task_statuses
    from .services import task_unit_ids

    today = today or dt.date.today()
    office = list(User.objects.filter(role=Role.PROGRAM_OFFICE, is_active=True))
    sent = 0
    for row in task_statuses(today=today):
        verdict = row.verdict
        if verdict.colour != "red" and verdict.rule != "deadline-near":
            continue
        task = row.task
        level = "overdue" if verdict.colour == "red" else "warning"
        created = notify(
            message="[%(colour)s] %(number)s %(title)s",  # the colour's label (program.choices.Colour) when read
            params={"colour": {"$t": verdict.colour.capitalize()}, "number": task.number, "title": task.title},
            body=verdict.message,
            url=reverse("program:task", args=[task.pk]),
            level=level,
            key=f"program:{task.pk}:{verdict.rule}:{today:%Y-%m}",
            organizations=list(task_unit_ids(task)),
            users=office,
        )
        sent += len(created)
    return sent


@periodic("program.warnings", minutes=24 * 60)
def warnings_check():
    return {"sent": send_warnings()}


@periodic("program.monthly_snapshot", minutes=24 * 60)
def monthly_snapshot():
    """Take the month's snapshot on the first check of each month (as of that day)."""
    from .models import Snapshot
    from .services import snapshot_take

    today = dt.date.today()
    if Snapshot.objects.filter(as_of__year=today.year, as_of__month=today.month).exists():
        return {"taken": False}
    snapshot_take(actor=SYSTEM, as_of=today, label=f"{today:%Y-%m}")
    return {"taken": True}
