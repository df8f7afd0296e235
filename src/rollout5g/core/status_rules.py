"""Red / amber / green / grey status of a supervised task, from rules that are data.

The programme office keeps the rules as an ordered list (a YAML file loaded into a table it can edit); this module
evaluates them against the facts of one task and says which rule fired and why. It knows nothing of Django, so the
rules can be tested with hand-made facts and re-used by the CLI.

A rule is ``{"code", "colour", "kind", "params", "message"}``. Rules are tried in order; the first one whose
condition holds decides the colour. If none holds the task is green with the ``default`` reason.

Kinds (``params`` in brackets):

``status_in`` [statuses]
    the task's flow status is one of ``statuses`` (e.g. closed -> green, assigned without reports -> grey).
``not_started`` []
    status ``assigned`` and no progress report yet.
``overdue`` [grace_days=0]
    the effective deadline (after approved extensions) passed more than ``grace_days`` days ago and the task is not
    closed or submitted for review.
``milestone_overdue`` [grace_days=0, min_count=1]
    at least ``min_count`` milestones are past due by more than ``grace_days`` days and not done.
``indicator_behind`` [below]
    the worst indicator progress against the time-prorated target (序时进度) is below ``below`` (0.8 = 80 %).
``deadline_near`` [working_days]
    the deadline is at most ``working_days`` working days ahead and the task is not submitted or closed.
``report_missing`` [days]
    no progress report in the last ``days`` days (or none at all) while the task is under way.

Messages are format strings over the facts the rule found (``{days_over}``, ``{deadline}``, ``{milestone}``,
``{indicator}``, ``{ratio_pct}``, ``{days_since}``, ``{working_days_left}``, ``{count}``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

COLOURS = ("red", "amber", "green", "grey")
KINDS = ("status_in", "not_started", "overdue", "milestone_overdue", "indicator_behind", "deadline_near",
         "report_missing")
OPEN_STATUSES = ("assigned", "accepted", "in_progress")


@dataclass(frozen=True)
class MilestoneFact:
    title: str
    due: dt.date
    done_on: dt.date | None = None


@dataclass(frozen=True)
class IndicatorProgress:
    """Progress of one indicator a task is measured by.

    ``expected`` is the time-prorated target (序时进度) on the evaluation day: see :func:`prorated_target`.
    ``ratio`` = actual / expected (for "lower is better" indicators expected / actual); None when nothing is
    expected yet.
    """

    indicator: str
    actual: float | None
    target: float
    expected: float
    lower_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        if self.actual is None:
            return 0.0 if self.expected > 0 else None
        if self.lower_is_better:
            if self.actual <= 0:
                return None
            return self.expected / self.actual
        if self.expected <= 0:
            return None
        return self.actual / self.expected


@dataclass(frozen=True)
class TaskFacts:
    today: dt.date
    status: str
    deadline: dt.date | None = None
    working_days_left: int | None = None  # working days from today to the deadline (0 on the day), None if none
    milestones: Sequence[MilestoneFact] = ()
    last_report: dt.date | None = None
    report_count: int = 0
    indicators: Sequence[IndicatorProgress] = ()


@dataclass(frozen=True)
class Rule:
    code: str
    colour: str
    kind: str
    message: str = ""
    params: Mapping = field(default_factory=dict)

    def __post_init__(self):
        if self.colour not in COLOURS:
            raise ValueError(f"rule {self.code}: unknown colour {self.colour!r}; valid: {list(COLOURS)}")
        if self.kind not in KINDS:
            raise ValueError(f"rule {self.code}: unknown kind {self.kind!r}; valid: {list(KINDS)}")


@dataclass(frozen=True)
class Verdict:
    colour: str
    rule: str  # code of the rule that fired, "default" if none
    message: str
    details: Mapping = field(default_factory=dict)


DEFAULT_VERDICT_MESSAGE = "On schedule: no rule flagged this task."


def prorated_target(*, baseline: float, target: float, start: dt.date, due: dt.date, on: dt.date) -> float:
    """Time-prorated target (序时进度) on day ``on``: the straight line from ``baseline`` at ``start`` to ``target`` at
    ``due``, clamped to the two ends. ``due <= start`` means the full target is expected from ``start`` on."""
    if on <= start:
        return float(baseline)
    if due <= start or on >= due:
        return float(target)
    share = (on - start).days / (due - start).days
    return float(baseline) + (float(target) - float(baseline)) * share


def _check(rule: Rule, facts: TaskFacts) -> dict | None:
    """The details of the rule's finding, or None if its condition does not hold."""
    p = rule.params
    if rule.kind == "status_in":
        return {"status": facts.status} if facts.status in p.get("statuses", ()) else None
    if rule.kind == "not_started":
        return {} if facts.status == "assigned" and facts.report_count == 0 else None
    if rule.kind == "overdue":
        if facts.deadline is None or facts.status not in OPEN_STATUSES:
            return None
        days_over = (facts.today - facts.deadline).days
        return {"days_over": days_over, "deadline": facts.deadline.isoformat()} \
            if days_over > int(p.get("grace_days", 0)) else None
    if rule.kind == "milestone_overdue":
        if facts.status not in OPEN_STATUSES:
            return None
        grace = int(p.get("grace_days", 0))
        late = [m for m in facts.milestones if m.done_on is None and (facts.today - m.due).days > grace]
        if len(late) < int(p.get("min_count", 1)):
            return None
        worst = min(late, key=lambda m: m.due)
        return {"count": len(late), "milestone": worst.title, "due": worst.due.isoformat(),
                "days_over": (facts.today - worst.due).days}
    if rule.kind == "indicator_behind":
        if facts.status == "closed":
            return None
        rated = [(i.ratio, i) for i in facts.indicators if i.ratio is not None]
        if not rated:
            return None
        ratio, worst = min(rated, key=lambda r: r[0])
        if ratio >= float(p.get("below", 1.0)):
            return None
        return {"indicator": worst.indicator, "ratio_pct": round(100 * ratio), "actual": worst.actual,
                "expected": round(worst.expected, 4), "target": worst.target}
    if rule.kind == "deadline_near":
        if facts.working_days_left is None or facts.status not in OPEN_STATUSES:
            return None
        left = facts.working_days_left
        return {"working_days_left": left, "deadline": facts.deadline.isoformat() if facts.deadline else ""} \
            if 0 <= left <= int(p.get("working_days", 10)) else None
    if rule.kind == "report_missing":
        if facts.status not in ("accepted", "in_progress"):
            return None
        days = int(p.get("days", 45))
        if facts.last_report is None:
            return {"days_since": None, "days": days}
        since = (facts.today - facts.last_report).days
        return {"days_since": since, "days": days} if since > days else None
    raise ValueError(f"unknown kind {rule.kind!r}")  # unreachable: Rule validates kinds


def evaluate(rules: Iterable[Rule], facts: TaskFacts) -> Verdict:
    """The colour of the first rule whose condition holds, with the rule's code and its explained message."""
    for rule in rules:
        details = _check(rule, facts)
        if details is not None:
            try:
                message = rule.message.format(**details) if rule.message else rule.code
            except (KeyError, IndexError, ValueError):
                message = f"{rule.message} {details}"
            return Verdict(rule.colour, rule.code, message, details)
    return Verdict("green", "default", DEFAULT_VERDICT_MESSAGE, {})


def rules_from_data(rows: Iterable[Mapping]) -> list[Rule]:
    """Rules from plain dicts (the YAML file or table rows); ValueError naming the row on a bad one."""
    out = []
    for n, row in enumerate(rows, start=1):
        try:
            out.append(Rule(code=str(row["code"]), colour=str(row["colour"]), kind=str(row["kind"]),
                            message=str(row.get("message", "")), params=dict(row.get("params") or {})))
        except KeyError as exc:
            raise ValueError(f"status rule {n}: missing field {exc.args[0]!r}") from exc
        except ValueError as exc:
            raise ValueError(f"status rule {n}: {exc}") from exc
    return out
