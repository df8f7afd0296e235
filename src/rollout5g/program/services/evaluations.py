"""Publishing an evaluation's results to the evaluated regions (Zhejiang task 29: the province evaluates its cities
and tells each city where it stands)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from rollout5g.audit.services import record_event
from rollout5g.platform.tenancy import require_region
from rollout5g.platform.workflow import authorize_create
from rollout5g.regions.models import Region

from ..models import EvaluationPublication, EvaluationResult


def evaluation_publish(*, actor, as_of: dt.date, level: str = "city", note: str = "") -> EvaluationPublication:
    """Freeze the evaluation of ``level`` on ``as_of`` (scores, ranks, tiers, each indicator's figures, the
    regions without an observation) and publish it: each evaluated region's office then reads its own result.

    Only a programme office whose region covers the evaluated regions may publish (the province's office for the
    cities): ``authorize_create`` and the region scope (:func:`rollout5g.platform.tenancy.require_region`)."""
    from ..selectors import evaluation_parent, regional_evaluation

    parent = Region.objects.defer("geometry", "display_geometry").get(pk=evaluation_parent(level))
    authorize_create(actor, EvaluationPublication)
    require_region(actor, parent)
    result = regional_evaluation(as_of, level=level, parent=parent.pk)
    method = {"weights": {i.code: float(i.weight) for i in result.indicators},
              "indicators": [{"code": i.code, "name": i.indicator.name, "unit": i.unit, "year": i.year}
                             for i in result.indicators]}
    with transaction.atomic():
        publication = EvaluationPublication.objects.create(
            level=level, region=parent, as_of=as_of, note=note, method=method,
            published_by=actor if getattr(actor, "pk", None) and not getattr(actor, "is_system", False) else None)
        rows = result.rows()
        for row in rows:
            prefix = f"{row['name']}："
            EvaluationResult.objects.create(
                publication=publication, region=row["region"], score=round(row["score"], 6), rank=row["rank"],
                tier=row["tier"], topsis=round(row["topsis"], 6),
                cells=[{"code": i.code, **cell} for i, cell in zip(result.indicators, row["cells"], strict=True)],
                missing=[m[len(prefix):] for m in result.missing if m.startswith(prefix)])
        record_event(actor=actor, action="create", obj=publication, note=note,
                     after={"level": level, "region": parent.pk, "as_of": as_of.isoformat(),
                            "ranks": {row["adcode"]: row["rank"] for row in rows}})
    return publication
