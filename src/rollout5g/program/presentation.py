"""The colour rules as a person reads them: what each rule checks, in a sentence with its parameters, and its
explanation with the facts it fills in named (never the rule's code, kind or parameter names)."""

from __future__ import annotations

import re

from django.utils.translation import gettext, ngettext, pgettext_lazy

from rollout5g.platform.formats import percent
from rollout5g.policy.choices import TaskStatus

#: the facts a rule's explanation fills in (rollout5g.core.status_rules), by name
PLACEHOLDERS = {
    "deadline": pgettext_lazy("colour rule fact", "deadline"),
    "days_over": pgettext_lazy("colour rule fact", "days late"),
    "milestone": pgettext_lazy("colour rule fact", "milestone"),
    "due": pgettext_lazy("colour rule fact", "due date"),
    "count": pgettext_lazy("colour rule fact", "number of late milestones"),
    "indicator": pgettext_lazy("colour rule fact", "indicator"),
    "ratio_pct": pgettext_lazy("colour rule fact", "share of the time-prorated target reached"),
    "actual": pgettext_lazy("colour rule fact", "actual value"),
    "expected": pgettext_lazy("colour rule fact", "expected value"),
    "target": pgettext_lazy("colour rule fact", "target"),
    "working_days_left": pgettext_lazy("colour rule fact", "working days left"),
    "days": pgettext_lazy("colour rule fact", "days"),
    "days_since": pgettext_lazy("colour rule fact", "days since the last report"),
    "status": pgettext_lazy("colour rule fact", "status"),
}
_FIELD = re.compile(r"\{(\w+)\}")


def explanation_template(text: str) -> str:
    """A rule's explanation with each ``{fact}`` shown as 〈its name〉: "截止日期 〈截止日期〉 已过 〈逾期天数〉 天"."""
    return _FIELD.sub(lambda m: f"〈{PLACEHOLDERS[m.group(1)]}〉" if m.group(1) in PLACEHOLDERS else "〈…〉", text)


def rule_sentence(kind: str, params: dict | None) -> str:
    """When a rule of ``kind`` with ``params`` holds, in one sentence."""
    p = params or {}
    if kind == "status_in":
        names = "、".join(str(TaskStatus(s).label) if s in TaskStatus.values else "…" for s in p.get("statuses", ()))
        return gettext("Holds when the task's status is %(statuses)s.") % {"statuses": names}
    if kind == "not_started":
        return gettext("Holds when the task is assigned, not yet accepted, and has no progress report.")
    if kind == "overdue":
        days = int(p.get("grace_days", 0))
        return ngettext(
            "Holds when the deadline (after approved extensions) passed more than %(days)d day ago and the task is "
            "neither submitted for review nor closed.",
            "Holds when the deadline (after approved extensions) passed more than %(days)d days ago and the task is "
            "neither submitted for review nor closed.", days) % {"days": days}
    if kind == "milestone_overdue":
        days, count = int(p.get("grace_days", 0)), int(p.get("min_count", 1))
        if count <= 1:
            return ngettext(
                "Holds when a milestone not done is more than %(days)d day past its due date, while the task is open.",
                "Holds when a milestone not done is more than %(days)d days past its due date, while the task is open.",
                days) % {"days": days}
        return ngettext(
            "Holds when at least %(count)d milestones not done are more than %(days)d day past their due dates, while "
            "the task is open.",
            "Holds when at least %(count)d milestones not done are more than %(days)d days past their due dates, "
            "while the task is open.", days) % {"count": count, "days": days}
    if kind == "indicator_behind":
        return gettext("Holds when the task's worst indicator has reached less than %(share)s of its time-prorated "
                       "target (序时进度), while the task is not closed.") % {"share": percent(p.get("below", 1.0))}
    if kind == "deadline_near":
        days = int(p.get("working_days", 10))
        return ngettext(
            "Holds when the deadline is at most %(days)d working day ahead and the task is neither submitted nor "
            "closed.",
            "Holds when the deadline is at most %(days)d working days ahead and the task is neither submitted nor "
            "closed.", days) % {"days": days}
    if kind == "report_missing":
        days = int(p.get("days", 45))
        return ngettext(
            "Holds when a task under way has had no progress report for more than %(days)d day.",
            "Holds when a task under way has had no progress report for more than %(days)d days.", days) % {
            "days": days}
    return ""
