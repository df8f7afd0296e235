"""Reads of programme supervision: task colours, indicator progress and series, the regional evaluation, snapshots
and the dashboard panels. Pages, the API, the PDF briefing, the ledger and the periodic checks share them."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import get_language

from rollout5g.core import evaluation as ev
from rollout5g.core.status_rules import (
    IndicatorProgress,
    MilestoneFact,
    Rule,
    TaskFacts,
    Verdict,
    evaluate,
    prorated_target,
)
from rollout5g.platform.home import home_adcode, home_document_keys
from rollout5g.policy.indicators import observe
from rollout5g.policy.models import (
    Indicator,
    IndicatorTarget,
    PolicyDocument,
    PolicyTask,
    TaskTarget,
    TaskUnit,
)
from rollout5g.regions.models import Region
from rollout5g.regions.services import home_districts, home_document_regions

from .choices import ExtensionState
from .models import EvaluationIndicator, Milestone, ProgressReport, StatusRule


def active_rules() -> list[tuple[Rule, StatusRule]]:
    """The office's rules as engine rules, in order, each with its row (for the Chinese explanation)."""
    lang_zh = (get_language() or "").startswith("zh")
    out = []
    for row in StatusRule.objects.filter(active=True).order_by("order", "pk"):
        message = row.message_zh if lang_zh and row.message_zh else row.message
        out.append((Rule(code=row.code, colour=row.colour, kind=row.kind, message=message, params=row.params), row))
    return out


def supervised_tasks(queryset=None):
    queryset = queryset if queryset is not None else PolicyTask.objects.all()
    return queryset.select_related("document").prefetch_related(
        Prefetch("units", queryset=TaskUnit.objects.select_related("organization", "group")),
        Prefetch("milestones", queryset=Milestone.objects.order_by("due")),
        Prefetch("targets", queryset=TaskTarget.objects.select_related("indicator", "region")),
        "extensions",
        Prefetch("progress_reports", queryset=ProgressReport.objects.only("id", "task_id", "period")),
    ).order_by("document__key", "sort_order")


class _ObservationCache:
    def __init__(self, today):
        self.today, self._values = today, {}

    def actual(self, indicator, region):
        key = (indicator.pk, region.pk)
        if key not in self._values:
            obs = observe(indicator, region, self.today)
            self._values[key] = float(obs.value) if obs else None
        return self._values[key]


def indicator_expected(indicator: Indicator, region, today: dt.date) -> tuple[float, float] | None:
    """(time-prorated target on ``today``, the target it leads to) for one indicator and region.

    The current target is the first one not yet due (else the last one); the line runs from the previous target
    (or zero at the document's issue date) to it. ``None`` if the indicator has no target for the region."""
    targets = [t for t in IndicatorTarget.objects.filter(indicator=indicator, region=region).order_by("year")]
    if not targets:
        return None
    dues = [t.due or dt.date(t.year, 12, 31) for t in targets]
    i = next((k for k, d in enumerate(dues) if d >= today), len(targets) - 1)
    if i > 0:
        baseline, start = float(targets[i - 1].value), dues[i - 1]
    else:
        baseline = 0.0
        start = indicator.document.issued_on or dt.date(targets[0].year, 1, 1)
    target = float(targets[i].value)
    return prorated_target(baseline=baseline, target=target, start=start, due=dues[i], on=today), target


def task_facts(task: PolicyTask, today: dt.date, *, calendar=None, cache: _ObservationCache | None = None) -> TaskFacts:
    approved = [e for e in task.extensions.all() if e.state == ExtensionState.APPROVED]
    if approved:
        deadline = max(approved, key=lambda e: (e.decided_at or e.requested_at, e.pk)).new_deadline
    else:  # same rule as services.effective_deadline, from the prefetched rows
        deadline = task.deadline or max((m.due for m in task.milestones.all()), default=None)
    left = None
    if deadline is not None and calendar is not None and deadline >= today:
        left = calendar.remaining(deadline, today).days
    reports = list(task.progress_reports.all())
    cache = cache or _ObservationCache(today)
    progress = []
    for t in task.targets.all():
        expected = indicator_expected(t.indicator, t.region, today)
        if expected is None:
            expected = (float(t.value), float(t.value))
        progress.append(IndicatorProgress(indicator=t.indicator.name, actual=cache.actual(t.indicator, t.region),
                                          target=expected[1], expected=expected[0],
                                          lower_is_better=t.comparator in ("le", "lt")))
    return TaskFacts(
        today=today,
        status=task.status,
        deadline=deadline,
        working_days_left=left,
        milestones=[MilestoneFact(m.title, m.due, m.done_on) for m in task.milestones.all()],
        last_report=max((r.period for r in reports), default=None),
        report_count=len(reports),
        indicators=progress,
    )


@dataclass
class TaskStatusRow:
    task: PolicyTask
    facts: TaskFacts
    verdict: Verdict


def task_statuses(queryset=None, *, today: dt.date | None = None) -> list[TaskStatusRow]:
    """Every task of ``queryset`` with its facts and the colour the rules give it on ``today``."""
    from rollout5g.workcalendar.services import working_calendar

    today = today or dt.date.today()
    rules = [r for r, _ in active_rules()]
    calendar = working_calendar()
    cache = _ObservationCache(today)
    rows = []
    for task in supervised_tasks(queryset):
        facts = task_facts(task, today, calendar=calendar, cache=cache)
        rows.append(TaskStatusRow(task, facts, evaluate(rules, facts)))
    return rows


def task_status(task: PolicyTask, *, today: dt.date | None = None) -> TaskStatusRow:
    return task_statuses(PolicyTask.objects.filter(pk=task.pk), today=today)[0]


COLOUR_ORDER = {"red": 0, "amber": 1, "grey": 2, "green": 3}


def colour_counts(rows) -> dict[str, int]:
    counts = {c: 0 for c in COLOUR_ORDER}
    for row in rows:
        counts[row.verdict.colour] += 1
    return counts


# -- indicator series ------------------------------------------------------------------------------------------
def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    out, y, m = [], start.year, start.month
    while True:
        first_next = dt.date(y + (m == 12), m % 12 + 1, 1)
        day = first_next - dt.timedelta(days=1)
        if day > end:
            break
        out.append(day)
        y, m = first_next.year, first_next.month
    return out


def indicator_series(indicator: Indicator, region, *, start: dt.date | None = None, end: dt.date | None = None,
                     step_months: int = 3) -> dict:
    """Actual (observed at each quarter end) and time-prorated target over time, for one indicator and region."""
    targets = list(IndicatorTarget.objects.filter(indicator=indicator, region=region).order_by("year"))
    today = dt.date.today()
    start = start or indicator.document.issued_on or dt.date(min([t.year for t in targets] or [today.year]), 1, 1)
    last_due = max([t.due or dt.date(t.year, 12, 31) for t in targets], default=today)
    end = end or min(today, max(last_due, start))
    dates = month_ends(start, end)[step_months - 1::step_months] or [end]
    if dates[-1] != end:
        dates.append(end)
    actual, expected = [], []
    for day in dates:
        obs = observe(indicator, region, day)
        actual.append(float(obs.value) if obs else None)
        exp = indicator_expected(indicator, region, day) if targets else None
        expected.append(round(exp[0], 4) if exp else None)
    return {
        "indicator": indicator.key, "name": indicator.name, "unit": indicator.unit, "region": region.pk,
        "region_name": region.name, "dates": [d.isoformat() for d in dates], "actual": actual, "expected": expected,
        "targets": [{"year": t.year, "value": float(t.value), "due": (t.due or dt.date(t.year, 12, 31)).isoformat(),
                     "comparator": t.comparator} for t in targets],
    }


def home_documents():
    """The policy documents the deployment follows: the configured keys, else every document of the home region and
    of the regions above it (a city also follows its province's task division)."""
    keys = home_document_keys()
    if keys:
        return PolicyDocument.objects.filter(key__in=keys)
    return PolicyDocument.objects.filter(region_id__in=home_document_regions())


def indicator_regions(indicator: Indicator) -> list[Region]:
    """Regions worth charting: those with a target, plus the seven counties for city-wide indicators."""
    ids = list(IndicatorTarget.objects.filter(indicator=indicator).values_list("region_id", flat=True).distinct())
    regions = list(Region.objects.filter(pk__in=ids))
    if home_adcode() in ids:
        regions += list(home_districts())
    return regions


# -- regional evaluation ----------------------------------------------------------------------------------------
@dataclass
class RegionalEvaluation:
    regions: list[Region]
    indicators: list[EvaluationIndicator]
    actual: list[list[float]]
    target: list[list[float]]
    missing: list[str]
    check: ev.CrossCheck
    sensitivity: ev.SensitivityTable
    as_of: dt.date

    def rows(self) -> list[dict]:
        comp = self.check.composite
        out = []
        for r, region in enumerate(self.regions):
            out.append({
                "region": region, "adcode": region.pk, "name": region.name, "score": float(comp.score[r]),
                "rank": int(comp.rank[r]), "tier": comp.tier[r], "topsis": float(self.check.topsis.closeness[r]),
                "topsis_rank": int(self.check.topsis.rank[r]),
                "cells": [{"actual": self.actual[r][i], "target": self.target[r][i],
                           "completion": float(comp.completion[r][i]), "points": float(comp.contribution[r][i])}
                          for i in range(len(self.indicators))],
            })
        return sorted(out, key=lambda row: (row["rank"], row["adcode"]))


def evaluation_inputs(as_of: dt.date, *, parent: str | None = None):
    """Actual and target matrices (regions × indicators) of the published evaluation indicators (the regions below
    ``parent``, by default below the home region)."""
    regions = list(Region.objects.filter(parent_id=parent or home_adcode()).order_by("adcode"))
    indicators = list(EvaluationIndicator.objects.select_related("indicator__document").order_by("sort_order"))
    actual, target, missing = [], [], []
    for region in regions:
        a_row, t_row = [], []
        for ind in indicators:
            day = min(as_of, dt.date(ind.year, 12, 31))
            obs = observe(ind.indicator, region, day)
            if obs is None:
                missing.append(f"{region.name}: {ind.name}")
            a_row.append(float(obs.value) if obs else 0.0)
            t_row.append(float(ind.targets.get(region.pk, 0)) or math.nan)
        actual.append(a_row)
        target.append(t_row)
    return regions, indicators, actual, target, missing


def regional_evaluation(as_of: dt.date | None = None, *, weights: dict | None = None,
                        delta: float = 0.05) -> RegionalEvaluation:
    """Composite score, tiers and ranks of the seven counties, the entropy/TOPSIS cross-check and the weight
    sensitivity (``weights`` overrides the published ones, for the what-if view)."""
    from .services import evaluation_config

    as_of = as_of or dt.date.today()
    config = evaluation_config()
    regions, indicators, actual, target, missing = evaluation_inputs(as_of)
    if not indicators:
        raise LookupError("no evaluation indicators are loaded")
    eng = [ev.Indicator(i.code, float((weights or {}).get(i.code, i.weight)), i.direction, name=i.name, unit=i.unit)
           for i in indicators]
    tiers = [(label, float(lo)) for label, lo in config.get("tiers", ev.DEFAULT_TIERS)]
    cap = float(config.get("cap", 1.2))
    check = ev.cross_check(actual, target, eng, cap=cap, tiers=tiers)
    sensitivity = ev.weight_sensitivity(actual, target, eng, delta=delta, cap=cap,
                                        regions=[r.name for r in regions])
    return RegionalEvaluation(regions, indicators, actual, target, missing, check, sensitivity, as_of)


# -- dashboard panels from other capabilities -------------------------------------------------------------------
def approvals_panel(today: dt.date) -> dict:
    """Applications in progress, late and decided, from the approval service."""
    from rollout5g.permits.selectors import approval_summary

    return {"available": True, **approval_summary(today=today)}


def key_area_panel() -> dict:
    """Covered share of every key area against its target, from the latest whole-network coverage run."""
    from rollout5g.coverage.selectors import key_area_coverage

    return {"available": True, "rows": list(key_area_coverage())}
