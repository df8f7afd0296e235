"""Demo data of programme supervision, loaded by ``rollout5g demo`` after the registry (idempotent).

Every task of both documents gets milestones, a position in the flow and reports from its units, spread so that the
dashboard shows every colour with the rule that gave it. Dates are relative to the day the demo is loaded, so the
programme looks "in flight" whenever it is shown. The county values of the entered indicators (key-area coverage
until the coverage engine publishes per-county shares, industry output) are illustrative, with a source note that
says so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from rollout5g.accounts.models import User
from rollout5g.organizations.models import Organization
from rollout5g.policy.models import Indicator, PolicyTask
from rollout5g.regions.models import Region

from .models import FollowUpAction, Meeting, Milestone, ProgressReport
from .services import (
    action_create,
    indicator_value_enter,
    lead_unit_ids,
    load_evaluation_indicators,
    load_status_rules,
    may_lead,
    meeting_create,
    milestone_complete,
    milestone_create,
    report_submit,
    snapshot_take,
    task_transition,
    task_unit_ids,
)

# illustrative county values (as of 2021-12-31) entered with a source: key-area coverage share, industry output 亿元
COUNTY_VALUES = {
    "330402": ("0.97", "58"), "330411": ("0.90", "31"), "330421": ("0.93", "47"), "330424": ("0.96", "22"),
    "330481": ("0.88", "55"), "330482": ("0.94", "30"), "330483": ("0.98", "49"),
}
MEETING_TITLE = "嘉兴市5G建设联席会议（演示）"
# pattern per task index: (status, months of reports, milestone lateness [days] of the middle step or None)
PATTERNS = [
    ("closed", 3, None),       # green: closed
    ("in_progress", 2, None),  # green: on schedule
    ("in_progress", 1, 45),    # red: milestone more than 30 days late
    ("in_progress", 1, 12),    # amber: milestone late
    ("assigned", 0, None),     # grey: not started
    ("accepted", 0, None),     # amber: no report in 45 days
    ("submitted", 2, None),    # green: submitted for review
]
FLOW = ["assigned", "accepted", "in_progress", "submitted", "closed"]


def _user_of(org_id, fallback):
    return User.objects.filter(organization_id=org_id, is_active=True).order_by("pk").first() or fallback


def _month(today: dt.date, back: int) -> dt.date:
    y, m = today.year, today.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1)


def _work_task(task: PolicyTask, index: int, office, today: dt.date) -> int:
    status, months, late = PATTERNS[index % len(PATTERNS)]
    leads = sorted(lead_unit_ids(task))
    units = sorted(task_unit_ids(task))
    lead_org = leads[0] if leads else (units[0] if units else None)
    lead_user = _user_of(lead_org, office) if lead_org else office
    steps = [("制定工作方案", today - dt.timedelta(days=150), True),
             ("中期推进检查", today - dt.timedelta(days=late) if late else today + dt.timedelta(days=20),
              late is None and status in ("submitted", "closed")),
             ("完成并提交验收", today + dt.timedelta(days=120 + 7 * (index % 5)), status in ("submitted", "closed"))]
    if status in ("assigned",):
        steps = [(t, d if d > today else today + dt.timedelta(days=30), False) for t, d, _ in steps]
    organization = Organization.objects.filter(pk=lead_org).first() if lead_org else None
    for title, due, done in steps:
        m = milestone_create(actor=office, task=task, title=title, due=due, organization=organization)
        if done:
            milestone_complete(actor=office, milestone=m, done_on=min(due, today))
    for target in FLOW[1:FLOW.index(status) + 1]:
        actor = lead_user if target != "closed" and may_lead(lead_user, task) else office
        task_transition(actor=actor, task=task, to_status=target)
        task.status = target
    # reports: the lead unit monthly; a second unit of the task for the latest month
    reporters = [lead_org] + [u for u in units if u != lead_org][:1]
    report_count = 0
    for back in range(months):
        for k, org_id in enumerate(reporters):
            if org_id is None or (k > 0 and back > 0):
                continue
            user = _user_of(org_id, office)
            figures = {}
            for t in task.targets.select_related("indicator"):
                if t.indicator.source == "entered":
                    figures[t.indicator.key] = str(t.value * Decimal("0.8"))
            report_submit(actor=user, task=task, organization=Organization.objects.get(pk=org_id),
                          period=_month(today, back + (2 if status == "accepted" else 0)),
                          text=f"{task.title}：本月按计划推进，完成阶段性工作{back + 1}项。", figures=figures)
            report_count += 1
    return report_count


def load_demo(*, password: str) -> list[str]:
    """Load the demo records; return summary lines for the console."""
    today = dt.date.today()
    office = User.objects.filter(username="office").first()
    if office is None:
        return ["supervision: no office user, skipped"]
    lines = []
    load_status_rules()
    load_evaluation_indicators()
    with transaction.atomic():
        for adcode, (coverage, output) in COUNTY_VALUES.items():
            region = Region.objects.get(pk=adcode)
            for key, value in (("jx-coverage-key-areas", coverage), ("jx-5g-industry-scale", output)):
                indicator = Indicator.objects.get(key=key)
                if not indicator.values.filter(region=region, as_of=dt.date(2021, 12, 31)).exists():
                    indicator_value_enter(actor=office, indicator=indicator, region=region,
                                          as_of=dt.date(2021, 12, 31), value=value,
                                          source_note="演示数据：县（市）经信局年报（示意）")
    if not Milestone.objects.exists():
        reports = 0
        with transaction.atomic():
            tasks = PolicyTask.objects.select_related("document").prefetch_related("units").order_by(
                "document__key", "sort_order")
            for index, task in enumerate(tasks):
                reports += _work_task(task, index, office, today)
        lines.append(f"supervision: {Milestone.objects.count()} milestones, {reports} progress reports on "
                     f"{PolicyTask.objects.count()} tasks")
    else:
        lines.append(f"supervision: {Milestone.objects.count()} milestones, {ProgressReport.objects.count()} "
                     "progress reports (already loaded)")
    snapshot_take(actor=office, as_of=today - dt.timedelta(days=30), label="上月快照（演示）")
    snapshot_take(actor=office, as_of=today, label="本月快照（演示）")
    if not Meeting.objects.filter(title=MEETING_TITLE).exists():
        with transaction.atomic():
            meeting = meeting_create(actor=office, title=MEETING_TITLE, held_on=today - dt.timedelta(days=3),
                                     notes="听取红灯任务汇报，协调解决推进中的问题。", today=today)
            for item in meeting.agenda.select_related("task")[:4]:
                lead = sorted(lead_unit_ids(item.task) or task_unit_ids(item.task))
                if lead:
                    action_create(actor=office, meeting=meeting, task=item.task,
                                  organization=Organization.objects.get(pk=lead[0]),
                                  decision=f"{item.task.number}：两周内提交整改方案，专班跟踪督办。",
                                  due=today + dt.timedelta(days=14))
        lines.append(f"supervision: joint meeting with {meeting.agenda.count()} agenda items, "
                     f"{FollowUpAction.objects.count()} follow-up actions")
    return lines
