"""Reads of policy data shared by the CLI (`rollout5g tasks --json`), the API and exports."""

from __future__ import annotations

from django.db.models import Prefetch

from .choices import UnitRole
from .models import PolicyTask, TaskTarget, TaskUnit


def tasks_queryset(queryset=None):
    queryset = queryset if queryset is not None else PolicyTask.objects.all()
    return queryset.select_related("document", "section").prefetch_related(
        Prefetch("units", queryset=TaskUnit.objects.select_related("organization", "group").order_by("sort_order")),
        Prefetch("targets", queryset=TaskTarget.objects.select_related("indicator", "region")),
    ).order_by("document__key", "sort_order")


def task_record(task: PolicyTask) -> dict:
    """One task as plain data: document (id, title), number, text, units by role (full names), deadline, targets."""
    units = {role: [] for role in UnitRole.values}
    open_ended = []
    for unit in task.units.all():
        units[unit.role].append(unit.display_name)
        if unit.open_ended and unit.role not in open_ended:
            open_ended.append(unit.role)
    return {
        "document": {"id": task.document.key, "title": task.document.title},
        "number": task.number,
        "section": task.section.number if task.section_id else None,
        "title": task.title,
        "text": task.text,
        "lead_units": units[UnitRole.LEAD],
        "supporting_units": units[UnitRole.SUPPORTING],
        "responsible_units": units[UnitRole.RESPONSIBLE],
        "open_ended": open_ended,  # roles whose list the document ends with 等 ("and others")
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "status": task.status,
        "targets": [
            {
                "indicator": t.indicator.key,
                "indicator_name": t.indicator.name,
                "comparator": t.comparator,
                "value": float(t.value) if t.value == t.value.to_integral() else str(t.value.normalize()),
                "year": t.year,
                "region": t.region_id,
                "set_by": t.origin,
            }
            for t in task.targets.all()
        ],
        "tags": task.tags,
    }
