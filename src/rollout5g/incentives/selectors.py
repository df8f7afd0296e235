"""Read-side helpers: indicator sources computed from the registry, ledger totals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext

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


# -- who acts for the government in the industry workflows (from the policy data, never a code) ---------------------
#: (words of the task in the home documents, word of the acting unit's name) per workflow.
LISTING_UNITS = (("凤凰行动",), "金融")
FIRST_OF_KIND_UNITS = (("首台套", "首批次", "首版次"), "经济和信息化")
TALENT_UNITS = (("人才",), "人才")
GOVERNMENT_KINDS = ("government_department", "party_department")


def responsible_units(terms, word: str):
    """The departments that act for a workflow, the home region's first: the units named (lead or supporting) for
    the home documents' tasks whose text or title holds one of ``terms``, and the departments of the home region
    and the regions above it — those whose name, short name or aliases hold ``word`` (省地方金融监管局 leads the
    listing task; 市金融办 is its counterpart in the city)."""
    from rollout5g.organizations.models import Organization
    from rollout5g.platform.home import home_adcode, home_document_keys
    from rollout5g.policy.models import PolicyDocument, PolicyTask
    from rollout5g.regions.services import home_document_regions, lineage

    keys = home_document_keys()
    documents = (PolicyDocument.objects.filter(key__in=keys) if keys
                 else PolicyDocument.objects.filter(region_id__in=home_document_regions()))
    text = Q()
    for term in terms:
        text |= Q(text__contains=term) | Q(title__contains=term)
    tasks = PolicyTask.objects.filter(document__in=documents).filter(text)
    regions = lineage(home_adcode())
    candidates = (Organization.objects.filter(kind__in=GOVERNMENT_KINDS, is_active=True)
                  .filter(Q(task_units__task__in=tasks) | Q(region_id__in=regions)).distinct())
    units = [o for o in candidates if any(word in n for n in (o.name, o.short_name, *(o.aliases or ())))]
    depth = {adcode: i for i, adcode in enumerate(regions)}
    return sorted(units, key=lambda o: (depth.get(o.region_id, len(depth)), o.code))


def listing_regulators():
    return responsible_units(*LISTING_UNITS)


def first_of_kind_reviewers():
    return responsible_units(*FIRST_OF_KIND_UNITS)


def talent_offices():
    return responsible_units(*TALENT_UNITS)


# -- per-year figures -----------------------------------------------------------------------------------------------
def listing_counts(changes) -> list[dict]:
    """Per year: how many pipeline enterprises reached each stage that year (from the dated stage changes)."""
    from .choices import ListingStage

    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ListingStage.values, 0))
    for year, stage in changes.values_list("on__year", "stage"):
        counts[year][stage] += 1
    return [{"year": year, "stages": [(s, ListingStage(s).label, by[s]) for s in ListingStage.values]}
            for year, by in sorted(counts.items(), reverse=True)]


def support_totals(rows) -> dict:
    """Talent support granted (not revoked) [CNY]: the sum, per kind and per year, and the number of grants."""
    from .choices import SupportKind, SupportState

    granted = rows.filter(state=SupportState.GRANTED)
    by_kind = {k: Decimal("0.00") for k in SupportKind.values}
    by_year: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    total, count = Decimal("0.00"), 0
    for kind, year, amount in granted.values_list("kind", "granted_on__year", "amount"):
        value = Decimal(amount).quantize(Decimal("0.01"))
        by_kind[kind] += value
        by_year[year] += value
        total += value
        count += 1
    return {"total": total, "count": count,
            "kind": [(k, SupportKind(k).label, v) for k, v in by_kind.items() if v],
            "year": sorted(by_year.items(), reverse=True)}


# -- what a person reads: labels for the codes of the audit history and the clauses ---------------------------------
def labelled_history(obj) -> list[dict]:
    """The audit history of ``obj`` as a person reads it: the declared step's label (not its name), the state's
    label (not its code) and the note without the step's name."""
    from rollout5g.audit.services import history_for

    model = type(obj)
    actions = getattr(getattr(model, "access_policy", None), "actions", {}) or {}
    state_field = next((f for f in ("state", "stage") if hasattr(obj, f)), None)
    states = dict(model._meta.get_field(state_field).flatchoices) if state_field else {}
    rows = []
    for e in history_for(obj):
        step, _sep, rest = (e.note or "").partition(": ")
        step_name = step if step in actions else (e.note if e.note in actions else "")
        note = rest if step_name and _sep else ("" if step_name else e.note)
        after = (e.after or {}).get(state_field) if state_field else None
        before = (e.before or {}).get(state_field) if state_field else None
        rows.append({
            "occurred_at": e.occurred_at, "actor_label": e.actor_label,
            "action": str(actions[step_name].label) if step_name else e.get_action_display(),
            "state": str(states.get(after, after)) if after and after != before else "",
            # a note a process wrote (gettext_noop where written) in the reader's language; a typed one as typed
            "note": gettext(note) if note else note,
        })
    return rows
