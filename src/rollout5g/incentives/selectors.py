"""Read-side helpers: indicator sources computed from the registry, ledger totals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum

from .choices import LEADING_TIERS, CarrierKind, LedgerKind, PilotCategory
from .models import Carrier, IndustryProfile, LedgerEntry, PilotProject


def region_q(field: str, region) -> Q:
    """Rows whose region lies in ``region`` (adcode prefix: 330000 → 33…, 330400 → 3304…, a county itself)."""
    code = region.adcode if hasattr(region, "adcode") else str(region)
    prefix = code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return Q(**{f"{field}__adcode__startswith": prefix})


def _count_or_none(queryset) -> Decimal | None:
    """A count, or None when the registry holds no row of the kind at all (entered values then apply)."""
    return Decimal(queryset.count())


def leading_firms(indicator, region, as_of: dt.date) -> Decimal | None:
    if not IndustryProfile.objects.exists():
        return None
    qs = IndustryProfile.objects.filter(region_q("region", region), tier__in=LEADING_TIERS).filter(
        Q(tier_since__isnull=True) | Q(tier_since__lte=as_of))
    return _count_or_none(qs)


def _carriers(kind):
    def count(indicator, region, as_of: dt.date) -> Decimal | None:
        if not Carrier.objects.filter(kind=kind).exists():
            return None
        qs = Carrier.objects.filter(region_q("region", region), kind=kind).filter(
            Q(recognised_on__isnull=True) | Q(recognised_on__lte=as_of))
        return _count_or_none(qs)

    return count


clusters = _carriers(CarrierKind.CLUSTER)
parks = _carriers(CarrierKind.PARK)
joint_innovation_centres = _carriers(CarrierKind.INNOVATION_CENTRE)


def smart_manufacturing_demos(indicator, region, as_of: dt.date) -> Decimal | None:
    """Cumulative: demonstrations started on or before ``as_of`` (滚动实施)."""
    base = PilotProject.objects.filter(category=PilotCategory.SMART_MANUFACTURING_DEMO)
    if not base.exists():
        return None
    return _count_or_none(base.filter(region_q("region", region)).filter(
        Q(started_on__isnull=True) | Q(started_on__lte=as_of)))


SOURCES = {
    "industry.leading_firms": leading_firms,
    "industry.clusters": clusters,
    "industry.parks": parks,
    "industry.joint_innovation_centres": joint_innovation_centres,
    "industry.smart_manufacturing_demos": smart_manufacturing_demos,
}

SIGN = {LedgerKind.APPROVED: 0, LedgerKind.PAID: 1, LedgerKind.CLAWED_BACK: -1}


def ledger_totals(entries) -> dict:
    """Totals of ledger entries per kind, and the same per clause, per region and per year.

    ``net_paid`` = paid − clawed back. Every figure is a sum of the entries given (checked by a test), so the
    page, the API and the Excel export all reconcile with the lines.
    """
    rows = entries.values("clause__key", "clause__name", "region_id", "region__name", "year", "kind").annotate(
        total=Sum("amount"))

    def blank():
        return {"approved": Decimal("0.00"), "paid": Decimal("0.00"), "clawed_back": Decimal("0.00"),
                "net_paid": Decimal("0.00")}

    out = {"all": blank(), "clause": defaultdict(blank), "region": defaultdict(blank), "year": defaultdict(blank)}
    labels = {"clause": {}, "region": {}}
    for r in rows:
        keys = {"clause": r["clause__key"], "region": r["region_id"], "year": r["year"]}
        labels["clause"][r["clause__key"]] = r["clause__name"]
        labels["region"][r["region_id"]] = r["region__name"]
        total = Decimal(r["total"]).quantize(Decimal("0.01"))  # SQLite sums may come back with float noise
        for bucket in (out["all"], *(out[dim][k] for dim, k in keys.items())):
            bucket[r["kind"]] += total
            if r["kind"] != LedgerKind.APPROVED:
                bucket["net_paid"] += SIGN[r["kind"]] * total
    return {"all": out["all"], "labels": labels,
            **{dim: dict(sorted(out[dim].items(), key=lambda kv: str(kv[0]))) for dim in ("clause", "region", "year")}}


def ledger_entries_for(user):
    return LedgerEntry.objects.restrict(user).select_related("application", "clause", "region", "enterprise")
