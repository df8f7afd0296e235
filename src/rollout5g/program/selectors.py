"""Reads of programme supervision: task colours, indicator progress and series, the regional evaluation, snapshots
and the dashboard panels. Pages, the API, the PDF briefing, the ledger and the periodic checks share them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import Prefetch
from django.utils.translation import get_language, gettext

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
from rollout5g.platform.formats import long_date
from rollout5g.platform.home import home_adcode, home_document_keys
from rollout5g.policy.cache import data_version, memoize
from rollout5g.policy.indicators import REGION_GEOMETRY, observe_cached
from rollout5g.policy.models import (
    Indicator,
    IndicatorTarget,
    PolicyDocument,
    PolicyTask,
    TaskTarget,
    TaskUnit,
)
from rollout5g.regions.models import Region
from rollout5g.regions.services import home_document_regions

from .choices import Colour, ExtensionState
from .models import EvaluationIndicator, Milestone, ProgressReport, StatusRule, rule_label


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
        Prefetch("targets", queryset=TaskTarget.objects.select_related("indicator__document", "region")
                 .defer(*(f"region__{f}" for f in REGION_GEOMETRY))),
        "extensions",
        Prefetch("progress_reports", queryset=ProgressReport.objects.only("id", "task_id", "period")),
    ).order_by("document__key", "sort_order")


class _ObservationCache:
    """Observed values and targets read once per computation (observations once per data version)."""

    def __init__(self, today, version=None):
        self.today, self.version = today, version if version is not None else data_version()
        self._targets = {}

    def actual(self, indicator, region):
        obs = observe_cached(indicator, region, self.today, version=self.version)
        return float(obs.value) if obs else None

    def targets(self, indicator, region) -> list[IndicatorTarget]:
        """The indicator's targets for ``region`` by year (one query per indicator, not per task)."""
        if indicator.pk not in self._targets:
            by_region = {}
            for t in IndicatorTarget.objects.filter(indicator=indicator).order_by("year"):
                by_region.setdefault(t.region_id, []).append(t)
            self._targets[indicator.pk] = by_region
        return self._targets[indicator.pk].get(region.pk, [])


def indicator_expected(indicator: Indicator, region, today: dt.date, *,
                       targets: list[IndicatorTarget] | None = None) -> tuple[float, float] | None:
    """(time-prorated target on ``today``, the target it leads to) for one indicator and region.

    The current target is the first one not yet due (else the last one); the line runs from the previous target
    (or zero at the document's issue date) to it. ``None`` if the indicator has no target for the region.
    ``targets``: the indicator's targets for the region by year, if already read."""
    if targets is None:
        targets = list(IndicatorTarget.objects.filter(indicator=indicator, region=region).order_by("year"))
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
        expected = indicator_expected(t.indicator, t.region, today, targets=cache.targets(t.indicator, t.region))
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
    #: what the rule that fired checks, for a person ("有节点逾期超过30天"); its code is ``verdict.rule``
    rule_label: str = ""

    @property
    def colour_label(self) -> str:
        return Colour(self.verdict.colour).label


def readable_verdict(verdict: Verdict, task: PolicyTask, rules: dict) -> Verdict:
    """The verdict's explanation as a person reads it: dates in the long form (2026年11月16日), an indicator's values
    in its unit (shares as percentages), the default message in the reader's language. ``rules``: {code: Rule}."""
    if verdict.rule == "default":
        return replace(verdict, message=gettext("On schedule: no rule flagged this task."))
    rule = rules.get(verdict.rule)
    if rule is None or not rule.message:
        return verdict
    details = dict(verdict.details)
    for key in ("deadline", "due"):
        if details.get(key):
            try:
                details[key] = long_date(dt.date.fromisoformat(details[key]))
            except ValueError:
                pass
    if details.get("indicator"):
        indicator = next((t.indicator for t in task.targets.all() if t.indicator.name == details["indicator"]), None)
        for key in ("actual", "expected", "target"):
            value = details.get(key)
            if key in details and value is None:  # no value observed yet (no data entered or computed)
                details[key] = gettext("no value yet")
            if indicator is not None and isinstance(value, (int, float)):
                if not indicator.is_share:
                    value = round(value) if abs(value) >= 100 else round(value, 2)
                details[key] = indicator.format_value(value)
    try:
        message = rule.message.format(**details)
    except (KeyError, IndexError, ValueError):
        return verdict
    return replace(verdict, message=message)


def task_statuses(queryset=None, *, today: dt.date | None = None) -> list[TaskStatusRow]:
    """Every task of ``queryset`` with its facts and the colour the rules give it on ``today``.

    Computed once per data version (:mod:`rollout5g.policy.cache`) for the same tasks, day and language: the
    dashboard, the task board and the API read the stored rows until a task, a milestone, a report, a rule or an
    observed value changes. The list is the caller's to sort or filter; the rows are shared (read-only)."""
    today = today or dt.date.today()
    queryset = queryset if queryset is not None else PolicyTask.objects.all()
    ids = tuple(sorted(set(queryset.order_by().values_list("pk", flat=True))))
    version = data_version()
    rows = memoize("program.task_statuses", (today, ids, get_language()),
                   lambda: _task_statuses(ids, today, version), version=version)
    return list(rows)


def _task_statuses(ids, today, version) -> list[TaskStatusRow]:
    from rollout5g.workcalendar.services import working_calendar

    pairs = active_rules()
    rules = [r for r, _ in pairs]
    by_code = {r.code: r for r in rules}
    labels = {row.code: row.label for _, row in pairs}
    labels["default"] = rule_label("default", {})
    calendar = working_calendar()
    cache = _ObservationCache(today, version)
    rows = []
    for task in supervised_tasks(PolicyTask.objects.filter(pk__in=ids)):
        facts = task_facts(task, today, calendar=calendar, cache=cache)
        verdict = readable_verdict(evaluate(rules, facts), task, by_code)
        rows.append(TaskStatusRow(task, facts, verdict, labels.get(verdict.rule, verdict.rule)))
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
    """Actual (observed at each quarter end) and time-prorated target over time, for one indicator and region
    (computed once per data version and day: :mod:`rollout5g.policy.cache`)."""
    key = (indicator.pk, region.pk, start, end, step_months, dt.date.today())
    return memoize("program.indicator_series", key,
                   lambda: _indicator_series(indicator, region, start=start, end=end, step_months=step_months))


def _indicator_series(indicator: Indicator, region, *, start, end, step_months) -> dict:
    version = data_version()
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
        obs = observe_cached(indicator, region, day, version=version)
        actual.append(float(obs.value) if obs else None)
        exp = indicator_expected(indicator, region, day, targets=targets) if targets else None
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
    """Regions worth charting: those with a target, plus the regions one level below each target region that is a
    province or a city (a province-wide indicator: the cities; a city-wide one: its counties), whatever the home
    region's level."""
    ids = list(IndicatorTarget.objects.filter(indicator=indicator).values_list("region_id", flat=True).distinct())
    regions = list(Region.objects.filter(pk__in=ids).defer(*REGION_GEOMETRY).order_by("adcode"))
    parents = [r.pk for r in regions if r.level in ("province", "city")]
    if parents:
        regions += list(Region.objects.filter(parent_id__in=parents).exclude(pk__in=ids)
                        .defer(*REGION_GEOMETRY).order_by("adcode"))
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


def evaluation_parent(level: str = "county") -> str:
    """The region whose children an evaluation of ``level`` ranks, from the home region's level: the cities of the
    province (the home province, or the province above a home city); the counties of the home city, or in a
    province deployment the city the county targets name (a city's own published split)."""
    home = Region.objects.only("adcode", "level", "parent_id").get(pk=home_adcode())
    if level == "city":
        return home.pk if home.level == "province" or home.parent_id is None else home.parent_id
    if home.level == "city":
        return home.pk
    keys = {k for targets in EvaluationIndicator.objects.filter(level="county").values_list("targets", flat=True)
            for k in targets}
    parents = set(Region.objects.filter(pk__in=keys).values_list("parent_id", flat=True))
    return min(parents) if parents else home.pk


def evaluation_scope(user, level: str) -> str | None:
    """The region whose children ``user`` may see ranked at ``level``, or ``None`` (not theirs to see): the cities
    for a user whose region scope covers the province, in a province deployment (a city deployment has no province
    office); the counties of the user's own city for a city's units (in a
    province deployment), else the default (:func:`selectors.evaluation_parent`)."""
    from rollout5g.platform.tenancy import in_region_scope

    if level == "city":  # the province's evaluation: only in a province deployment, for the province's scope
        if Region.objects.filter(pk=home_adcode()).values_list("level", flat=True).first() != "province":
            return None
        parent = evaluation_parent("city")
        return parent if in_region_scope(user, parent) else None
    from .services import office_region

    region = office_region(user) if getattr(user, "organization_id", None) else None
    if region is not None:
        return region.pk if region.level == "city" else (region.parent_id if region.level == "county" else None)
    return evaluation_parent("county")


def evaluation_inputs(as_of: dt.date, *, parent: str | None = None, level: str = "county"):
    """Actual and target matrices (regions × indicators) of the published evaluation indicators of ``level`` (the
    regions below ``parent``, by default :func:`evaluation_parent`). Only regions with a target for every indicator
    are ranked (a target is the office's published figure; none is invented). A region with no observation of an
    indicator counts 0 and is named in ``missing``."""
    parent = parent or evaluation_parent(level)
    indicators = list(EvaluationIndicator.objects.filter(level=level).select_related("indicator__document")
                      .order_by("sort_order"))
    regions = [r for r in Region.objects.filter(parent_id=parent).defer(*REGION_GEOMETRY).order_by("adcode")
               if all(float(i.targets.get(r.pk, 0) or 0) > 0 for i in indicators)]
    actual, target, missing = [], [], []
    version = data_version()
    for region in regions:
        a_row, t_row = [], []
        for ind in indicators:
            day = min(as_of, dt.date(ind.year, 12, 31))
            obs = observe_cached(ind.indicator, region, day, version=version)
            if obs is None:
                missing.append(f"{region.name}：{ind.indicator.name}")
            a_row.append(float(obs.value) if obs else 0.0)
            t_row.append(float(ind.targets[region.pk]))
        actual.append(a_row)
        target.append(t_row)
    return regions, indicators, actual, target, missing


def regional_evaluation(as_of: dt.date | None = None, *, weights: dict | None = None,
                        delta: float = 0.05, level: str = "county", parent: str | None = None) -> RegionalEvaluation:
    """Composite score, tiers and ranks of the regions of ``level`` (a city's counties, or a province's cities), the
    entropy/TOPSIS cross-check and the weight sensitivity (``weights`` overrides the published ones, for the what-if
    view). Computed once per data version for the same day, level, weights and language
    (:mod:`rollout5g.policy.cache`)."""
    as_of = as_of or dt.date.today()
    version = data_version()
    parent = parent or evaluation_parent(level)
    key = (as_of, level, parent, tuple(sorted((weights or {}).items())), delta, get_language())
    return memoize("program.regional_evaluation", key,
                   lambda: _regional_evaluation(as_of, weights, delta, level, parent), version=version)


def _regional_evaluation(as_of, weights, delta, level="county", parent=None) -> RegionalEvaluation:
    from .services import evaluation_config

    config = evaluation_config(level=level)
    regions, indicators, actual, target, missing = evaluation_inputs(as_of, parent=parent, level=level)
    if not indicators:
        raise LookupError("no evaluation indicators are loaded")
    if not regions:
        raise LookupError("no region has a target for every evaluation indicator")
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
    """Applications in progress, late and decided, from the approval service (once per data version and day)."""
    from rollout5g.permits.selectors import approval_summary

    return memoize("program.approvals_panel", today,
                   lambda: {"available": True, **approval_summary(today=today)})


def key_area_panel() -> dict:
    """Covered share of every key area against its target, from the latest whole-network coverage run (once per
    data version and language: the verdicts are labelled)."""
    from rollout5g.coverage.selectors import key_area_coverage

    return memoize("program.key_area_panel", get_language(),
                   lambda: {"available": True, "rows": list(key_area_coverage())})


def home_targets(today: dt.date) -> list[dict]:
    """The home region's indicators of the followed documents, each with its latest target and the value observed
    at that target's due date (or today), once per data version and day."""
    return memoize("program.home_targets", (today, get_language()), lambda: _home_targets(today))


def _home_targets(today):
    home = home_adcode()
    version = data_version()
    indicators = (Indicator.objects.filter(document__in=home_documents(), targets__region_id=home).distinct()
                  .order_by("document__key", "sort_order"))
    latest = {}
    for target in (IndicatorTarget.objects.filter(indicator__in=indicators, region_id=home)
                   .select_related("region").defer(*(f"region__{f}" for f in REGION_GEOMETRY)).order_by("year")):
        latest[target.indicator_id] = target
    out = []
    for indicator in indicators:
        target = latest.get(indicator.pk)
        if target is None:
            continue
        target.indicator = indicator
        obs = observe_cached(indicator, target.region, min(today, target.due or dt.date(target.year, 12, 31)),
                             version=version)
        out.append({"indicator": indicator, "target": target, "actual": obs.value if obs else None,
                    "actual_text": indicator.format_value(obs.value) if obs else "—",
                    "met": target.is_met_by(obs.value) if obs else None,
                    "share": float(obs.value / target.value) if obs and target.value else None})
    return out
