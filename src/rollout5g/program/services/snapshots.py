"""Snapshots: the state of every task and indicator frozen on a day, and what changed between two of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from rollout5g.audit.services import record_event
from rollout5g.platform.workflow import authorize_create
from rollout5g.policy.models import PolicyTask

from ..models import Snapshot


def snapshot_data(as_of: dt.date, region=None) -> dict:
    """Every task's status and colour and every indicator's observed value per target region on ``as_of``; for a
    ``region`` (a city's office), the tasks of the documents of the region and of the regions above it, and the
    indicators' values of the region and the regions below it."""
    from rollout5g.platform.tenancy import region_descendants
    from rollout5g.policy.indicators import observe
    from rollout5g.policy.models import IndicatorTarget
    from rollout5g.regions.services import lineage

    from ..selectors import task_statuses

    task_rows = PolicyTask.objects.all()
    pairs = IndicatorTarget.objects.select_related("indicator", "region").order_by("indicator__key", "region_id")
    if region is not None:
        task_rows = task_rows.filter(document__region_id__in=lineage(region.pk))
        pairs = pairs.filter(region_id__in=region_descendants(region.pk))
    tasks = {
        str(row.task.pk): {"number": row.task.number, "document": row.task.document.key, "title": row.task.title,
                           "status": row.task.status, "colour": row.verdict.colour, "rule": row.verdict.rule,
                           "message": row.verdict.message}
        for row in task_statuses(task_rows, today=as_of)
    }
    indicators: dict[str, dict] = {}
    for target in pairs:
        values = indicators.setdefault(target.indicator.key, {})
        if target.region_id in values:
            continue
        obs = observe(target.indicator, target.region, as_of)
        values[target.region_id] = str(obs.value) if obs else None
    return {"tasks": tasks, "indicators": indicators}


def snapshot_take(*, actor, as_of: dt.date, label: str = "") -> tuple[Snapshot, bool]:
    """Freeze the state on ``as_of`` for the actor's office (one snapshot per region and day; an existing one is
    kept: snapshots are history). A city's office in a province deployment takes its city's snapshot (its region);
    the office of the home region takes the deployment's (no region)."""
    from .common import office_region

    region = office_region(actor)
    existing = Snapshot.objects.filter(as_of=as_of, region=region).first()
    if existing is not None:
        return existing, False
    authorize_create(actor, Snapshot)
    data = snapshot_data(as_of, region)
    with transaction.atomic():
        snap = Snapshot.objects.create(as_of=as_of, region=region, label=label or f"{as_of:%Y-%m}", data=data)
        record_event(actor=actor, action="create", obj=snap, after={"as_of": as_of.isoformat(),
                                                                    "region": region.pk if region else None,
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
