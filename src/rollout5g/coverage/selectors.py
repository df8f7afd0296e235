"""Read-side queries of coverage results: the latest run, key-area coverage for dashboards, the indicator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, Sum

from rollout5g.regions.boundaries import without_geometry

from .choices import ResultKind, Verdict
from .models import CoverageAreaResult, CoverageRun

#: The location probability the coverage indicators and the dashboard use: a key area's share is that of its pixels
#: covered at 90 % of locations (RSRP and SINR above the thresholds by the shadow-fading margin of TR 38.901).
INDICATOR_LOCATION_PROBABILITY = 0.9


def latest_network_run(*, as_of: dt.date | None = None, user=None, with_key_areas: bool = True,
                       location_probability: float | None = INDICATOR_LOCATION_PROBABILITY) -> CoverageRun | None:
    """The latest successful run over the whole network (no operator, every band) at ``location_probability`` (the
    indicators' 90 % by default; None: any) whose network date is on or before ``as_of``; visible to ``user`` when
    given. "Latest" is the latest network date, then the latest computed: the city's coverage at its most recent
    known state."""
    qs = CoverageRun.objects.restrict(user, "view") if user is not None else CoverageRun.objects.all()
    qs = qs.filter(succeeded_at__isnull=False, operator__isnull=True, band="")
    if location_probability is not None:
        qs = qs.filter(location_probability=location_probability)
    if as_of is not None:
        qs = qs.filter(as_of__lte=as_of)
    if with_key_areas:
        qs = qs.filter(results__kind=ResultKind.KEY_AREA).distinct()
    return qs.order_by("-as_of", "-succeeded_at", "-pk").first()


def key_area_coverage(*, run: CoverageRun | None = None, user=None) -> list[dict]:
    """Coverage of every key area in ``run`` (default: the latest successful whole-network run), one dict per
    area: ``area`` (name), ``key_area_id``, ``category``, ``district`` (county name), ``covered_share``,
    ``target``, ``due_year``, ``met`` (bool, None without a target), ``verdict`` (met / not_met / due_later),
    ``gap_m2``, ``run_id``, ``as_of``, ``location_probability`` (the share is of pixels covered at that probability).
    Empty when no run exists."""
    run = run or latest_network_run(user=user)
    if run is None:
        return []
    rows = (CoverageAreaResult.objects.filter(run=run, kind=ResultKind.KEY_AREA)
            .select_related("key_area", "region").defer("gaps", "key_area__geometry", *without_geometry("region"))
            .order_by("region_id", "name"))
    return [
        {
            "area": r.name, "key_area_id": r.key_area_id, "category": r.key_area.category if r.key_area else "",
            "district": r.region.name if r.region else "", "covered_share": r.covered_share,
            "target": r.target_share, "due_year": r.due_year, "met": r.met, "verdict": r.verdict, "verdict_label": r.get_verdict_display(),
            "gap_m2": r.gap_area_m2, "run_id": run.pk, "as_of": run.as_of,
            "location_probability": run.location_probability,
        }
        for r in rows
    ]


def verdict_counts(rows: list[dict]) -> dict[str, int]:
    counts = {v: 0 for v in Verdict.values}
    for r in rows:
        counts[r["verdict"]] += 1
    return counts


def coverage_share_indicator(indicator, region, as_of: dt.date) -> Decimal | None:
    """``coverage.share`` indicator source: the covered share, at 90 % location probability
    (:data:`INDICATOR_LOCATION_PROBABILITY`), of the key areas whose ``area_type`` is the indicator's, within
    ``region`` (the city: all of them; a county: those in it), from the latest successful whole-network run at that
    probability on a network no later than ``as_of``, pooled by pixels (a large area weighs more than a small one,
    as it does on the ground). None when no such area or run exists (the indicator then falls back to an entered
    value)."""
    from rollout5g.sites.models import KeyArea

    if not indicator.area_type:
        return None
    areas = KeyArea.objects.filter(area_type=indicator.area_type)
    if region is not None and region.pk != _city_adcode():
        areas = areas.filter(Q(region=region) | Q(region__parent=region))
    area_ids = set(areas.values_list("pk", flat=True))
    if not area_ids:
        return None
    runs = (CoverageRun.objects.filter(succeeded_at__isnull=False, operator__isnull=True, band="", as_of__lte=as_of,
                                       location_probability=INDICATOR_LOCATION_PROBABILITY)
            .order_by("-as_of", "-succeeded_at", "-pk"))
    for run in runs[:20]:
        results = CoverageAreaResult.objects.filter(run=run, key_area_id__in=area_ids)
        # a run covers the indicator's area only if it measured every key area of it
        if results.count() < len(area_ids):
            continue
        totals = results.aggregate(p=Sum("pixels"), c=Sum("covered_pixels"))
        if not totals["p"]:
            return None
        return (Decimal(totals["c"]) / Decimal(totals["p"])).quantize(Decimal("0.0001"))
    return None


def _city_adcode() -> str:
    from .services import CITY_ADCODE

    return CITY_ADCODE
