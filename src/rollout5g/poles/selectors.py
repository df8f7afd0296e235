"""Reads of the smart-pole programme: the figures of the programme, the standards with their deadlines and the pole
plan of the future communities against the consolidations done in them."""

from __future__ import annotations

from django.db.models import Count, Sum

from rollout5g.platform.home import home_document_keys
from rollout5g.policy.models import PolicyDocument, PolicyTask
from rollout5g.regions.services import home_document_regions

from .choices import STANDARD_TASK_TAGS, ConsolidationState
from .models import FutureCommunity, MergedPole, PoleConsolidation, RetrofitBatch, StandardDocument


def standard_tasks():
    """The policy tasks a standard document may fulfil: the home documents' tasks tagged smart-pole or standards."""
    keys = home_document_keys()
    documents = (PolicyDocument.objects.filter(key__in=keys) if keys
                 else PolicyDocument.objects.filter(region_id__in=home_document_regions()))
    tasks = PolicyTask.objects.filter(document__in=documents)
    wanted = [t.pk for t in tasks.only("pk", "tags") if set(t.tags or ()) & set(STANDARD_TASK_TAGS)]
    return PolicyTask.objects.filter(pk__in=wanted).select_related("document").order_by(
        "document__key", "sort_order", "number")


def batch_years(batches) -> list[dict]:
    """Per year: batches, poles planned, done and the share done."""
    rows = (batches.order_by().values("year").annotate(n=Count("id"), planned=Sum("planned_count"),
                                                       done=Sum("done_count")).order_by("-year"))
    return [{**r, "percent": (100.0 * r["done"] / r["planned"]) if r["planned"] else 100.0} for r in rows]


def community_progress(community: FutureCommunity) -> dict:
    """Smart poles built (consolidations done in the project) and existing poles merged, against the plan."""
    done = PoleConsolidation.objects.filter(community=community, state=ConsolidationState.DONE)
    merged = MergedPole.objects.filter(consolidation__in=done).count()
    built = done.count()
    return {"built": built, "merged": merged,
            "percent": (100.0 * built / community.planned_smart_poles) if community.planned_smart_poles else None}


def programme_figures() -> dict:
    """Figures for everyone (no private row named)."""
    done = PoleConsolidation.objects.filter(state=ConsolidationState.DONE)
    return {
        "consolidations_done": done.count(),
        "poles_merged": MergedPole.objects.filter(consolidation__in=done).count(),
        "years": batch_years(RetrofitBatch.objects.all()),
        "standards": StandardDocument.objects.count(),
        "communities": FutureCommunity.objects.count(),
    }
