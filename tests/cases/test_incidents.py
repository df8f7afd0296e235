"""Incidents: routed by kind to the responsible department, its workflow, clock, and the periodic warnings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from rollout5g.cases import services
from rollout5g.cases.choices import IncidentKind, IncidentState
from rollout5g.cases.jobs import check_clocks
from rollout5g.cases.models import IncidentCase
from rollout5g.cases.selectors import case_clock
from rollout5g.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind, department, limit", [
    (IncidentKind.OBSTRUCTION, "jx-police", 3), (IncidentKind.THEFT, "jx-police", 5),
    (IncidentKind.VANDALISM, "jx-law-enforcement", 5), (IncidentKind.INTERFERENCE, "jx-dei", 10),
    (IncidentKind.FEES, "jx-amr", 10),
])
@pytest.mark.clause("jx", "三(四)-2", level="partial")
@pytest.mark.clause("zj", "32", level="partial")
@pytest.mark.clause("zj", "33", level="partial")
def test_routed_by_kind(users, site_of, kind, department, limit):
    case = services.incident_report(actor=users["mobile"], kind=kind, site=site_of("jx-mobile"), description="x",
                                    fee_amount="5000" if kind == IncidentKind.FEES else None)
    assert (case.department.code, case.limit_days, case.state) == (department, limit, IncidentState.REPORTED)


def test_rule_change_routes_new_cases_but_keeps_running_clocks(users, site_of, org):
    old = services.incident_report(actor=users["mobile"], kind="theft", site=site_of("jx-mobile"), description="x")
    rule = services.rule_for("incident.theft")
    with pytest.raises(PermissionDenied):
        services.rule_update(actor=users["mobile"], rule=rule, limit_days=2)
    services.rule_update(actor=users["office"], rule=rule, limit_days=7, organization=org("jx-law-enforcement"))
    new = services.incident_report(actor=users["mobile"], kind="theft", location="南湖路", description="y")
    old.refresh_from_db()
    assert (old.limit_days, old.department.code) == (5, "jx-police")
    assert (new.limit_days, new.department.code) == (7, "jx-law-enforcement")


def test_department_resolves_and_reporter_closes(users, site_of):
    case = services.incident_report(actor=users["tower"], kind="obstruction", site=site_of("jx-tower"),
                                    description="业主阻挠施工", reported_on=dt.date(2026, 9, 28))
    police = users["police"]
    with pytest.raises(PermissionDenied):
        services.incident_assign(actor=users["urban"], case=case, handler_name="张三")
    with pytest.raises(services.CaseError, match="handler_name"):
        services.incident_assign(actor=police, case=case, handler_name="")
    case = services.incident_assign(actor=police, case=case, handler_name="王警官", on=dt.date(2026, 9, 29))
    case = services.incident_start(actor=police, case=case, on=dt.date(2026, 9, 29))
    with pytest.raises(services.CaseError, match="outcome"):
        services.incident_resolve(actor=police, case=case, outcome=" ")
    # reported Monday 2026-09-28 with 3 working days: 29, 30 Sep, then 8 Oct (National Day off)
    assert case_clock(case, today=dt.date(2026, 9, 30)).due == dt.date(2026, 10, 8)
    case = services.incident_resolve(actor=police, case=case, outcome="已训诫，施工恢复", on=dt.date(2026, 9, 30))
    assert case_clock(case).state == "stopped"
    with pytest.raises(PermissionDenied):
        services.incident_close(actor=users["mobile"], case=case)
    case = services.incident_close(actor=users["tower"], case=case)
    assert case.state == IncidentState.CLOSED and case.outcome == "已训诫，施工恢复"
    assert users["tower"].notifications.filter(key=f"cases:incident:{case.pk}:resolved").exists()


def test_bad_reports(users, site_of):
    with pytest.raises(services.CaseError, match="fee_amount"):
        services.incident_report(actor=users["owner"], kind="fees", location="小区", description="进场费")
    with pytest.raises(services.CaseError, match="fee_amount"):
        services.incident_report(actor=users["owner"], kind="fees", location="小区", description="x", fee_amount="-5")
    with pytest.raises(services.CaseError, match="description"):
        services.incident_report(actor=users["mobile"], kind="theft", location="x", description="")
    with pytest.raises(services.CaseError, match="location"):
        services.incident_report(actor=users["mobile"], kind="theft", description="x")
    with pytest.raises(services.CaseError, match="occurred_on"):
        services.incident_report(actor=users["mobile"], kind="theft", location="x", description="x",
                                 reported_on=dt.date(2026, 9, 1), occurred_on=dt.date(2026, 9, 2))


def test_office_reroutes(users, org):
    case = services.incident_report(actor=users["owner"], kind="vandalism", location="屋面", description="x")
    with pytest.raises(PermissionDenied):
        services.incident_reroute(actor=users["urban"], case=case, department=org("jx-police"), reason="x")
    case = services.incident_reroute(actor=users["office"], case=case, department=org("jx-police"),
                                     reason="涉嫌故意毁坏财物")
    assert case.department.code == "jx-police"
    assert users["police"].notifications.filter(subject__startswith=case.number).exists()


@pytest.mark.clause("jx", "三(四)-2", level="partial")
def test_clock_check_warns_then_escalates_once(users):
    case = services.incident_report(actor=users["mobile"], kind="obstruction", location="x", description="x",
                                    reported_on=dt.date(2026, 9, 28))
    IncidentCase.objects.exclude(pk=case.pk).update(state=IncidentState.CLOSED)  # only this one counts here
    check_clocks(today=dt.date(2026, 9, 30))  # due 2026-10-08, 1 working day left (warn at 1)
    warned = Notification.objects.filter(key=f"cases:incident:{case.pk}:due_soon:2026-10-08")
    assert warned.count() == users["police"].organization.users.count() > 0
    check_clocks(today=dt.date(2026, 9, 30))
    assert warned.count() == users["police"].organization.users.count()
    check_clocks(today=dt.date(2026, 10, 9))
    escalated = Notification.objects.filter(key=f"cases:incident:{case.pk}:overdue:2026-10-08")
    assert set(escalated.values_list("recipient__username", flat=True)) >= {"police", "office"}
    assert escalated.get(recipient=users["office"]).level == "overdue"
