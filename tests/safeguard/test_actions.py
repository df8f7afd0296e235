"""The security of critical facilities through the services: the security units from the policy data, the whole
handling of an event with its audit rows and notifications, the response clock by severity against a hand count,
who may take which declared step (refused / not now / no actor), the facility register's rules and the assessments
with their re-assessment clock."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rollout5g.audit.models import AuditEvent
from rollout5g.audit.services import history_for
from rollout5g.notifications.models import Notification
from rollout5g.platform.actors import SYSTEM
from rollout5g.platform.clocks import declared
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable, available_actions
from rollout5g.safeguard import services
from rollout5g.safeguard.choices import EventState, FacilityState, RiskLevel
from rollout5g.safeguard.models import CriticalFacility, SecurityAssessment, SecurityEvent
from rollout5g.safeguard.selectors import assessment_clock, overview, response_clock, security_units

pytestmark = pytest.mark.django_db


def _notes(obj):
    return [e.note.split(":")[0] for e in history_for(obj)]


def test_the_security_units_come_from_the_policy_data():
    # Task 31 (关键设施…数据安全) is led by the provincial cyberspace office and supported by the communications
    # administration and the police among others: the home region has its own police (市公安局), not the other two.
    units = security_units()
    assert (units.cyberspace_office.code, units.police.code, units.comms_admin.code) == ("zj-cac", "jx-police", "zj-ca")


@pytest.mark.clause("zj", "31")
def test_an_event_is_detected_warned_analysed_responded_and_closed(users, facility, event):
    mobile, cac, police = users["mobile"], users["cac"], users["police"]
    f = facility()
    e = event(at=f)
    assert (e.code, e.state, e.limit_days) == ("AQ-2026-0001", EventState.DETECTED, 2)
    for name in ("cac", "ca", "police"):  # every responsible unit hears of it
        assert Notification.objects.filter(recipient=users[name], subject__contains=e.code).exists()
    assert not Notification.objects.filter(recipient=users["telecom"], subject__contains=e.code).exists()

    services.event_warn(actor=cac, event=e, warning="请立即封禁来源IP并加强监测")
    services.event_analyse(actor=police, event=e, analysis="研判为有组织的撞库攻击", severity="relatively_serious")
    assert (e.state, e.severity, e.limit_days) == (EventState.ANALYSED, "relatively_serious", 3)
    assert Notification.objects.filter(recipient=mobile, subject__contains=f"{e.code}").count() >= 2
    services.event_respond(actor=mobile, event=e, response="已封禁IP、重置账号口令")
    assert response_clock(e).state == "stopped"
    services.event_close(actor=cac, event=e, conclusion="处置完毕")
    e.refresh_from_db()
    assert (e.state, e.closed_on, e.responded_on) == (EventState.CLOSED, dt.date(2026, 11, 16), dt.date(2026, 11, 16))
    assert _notes(e) == ["", "warn", "analyse", "respond", "close"]
    assert [ev.actor_label for ev in history_for(e)][1:] == ["cac", "police", "mobile", "cac"]


@pytest.mark.clause("zj", "31")
def test_the_response_clock_counts_working_days_by_severity(facility, event):
    f = facility()
    # detected Monday 2026-11-16 (not counted): serious = 2 working days -> Wednesday 11-18, general = 5 -> Monday 11-23
    serious = event(at=f)
    state = response_clock(serious, dt.date(2026, 11, 16))
    assert (state.due, state.state, state.days_left) == (dt.date(2026, 11, 18), "running", 2)
    assert response_clock(serious, dt.date(2026, 11, 17)).state == "due_soon"
    assert response_clock(serious, dt.date(2026, 11, 19)).state == "overdue"
    general = event(at=f, severity="general")
    assert response_clock(general, dt.date(2026, 11, 16)).due == dt.date(2026, 11, 23)
    worst = event(at=f, severity="particularly_serious")
    assert response_clock(worst, dt.date(2026, 11, 16)).due == dt.date(2026, 11, 17)
    # the clocks are declared: the reminder job and the supervision metric count them
    assert {"safeguard.event.response", "safeguard.facility.assessment"} <= set(declared())


@pytest.mark.today("2026-11-20")
def test_an_open_event_past_its_clock_shows_in_the_overview(users, facility, event):
    f = facility()
    late = event(at=f, detected_on="2026-11-16")  # serious: due 11-18
    fresh = event(at=f, severity="general", detected_on="2026-11-19")
    o = overview(users["cac"])
    assert [e.code for e, _ in o.overdue_events] == [late.code]
    assert dict((v, n) for v, _, n in o.by_state)["detected"] == 2
    assert dict((v, n) for v, _, n in o.by_severity) == {"particularly_serious": 0, "serious": 1,
                                                         "relatively_serious": 0, "general": 1}
    assert o.by_month == [(dt.date(2026, 11, 1), 2, 2, 0)]
    assert fresh.code not in [e.code for e, _ in o.overdue_events]
    # another operator's overview counts nothing of it
    other = overview(users["telecom"])
    assert other.overdue_events == [] and other.facilities == 0 and other.by_month == []


def test_who_takes_which_step(users, facility, event):
    e = event(at=facility())
    with pytest.raises(ActionRefused):
        services.event_warn(actor=users["mobile"], event=e, warning="x")  # the operator does not warn itself
    with pytest.raises(ActionRefused):
        services.event_warn(actor=users["office"], event=e, warning="x")  # the office follows, it does not act
    with pytest.raises(ActionRefused):
        services.event_warn(actor=users["planning"], event=e, warning="x")  # an unrelated department
    with pytest.raises(ActionUnavailable):
        services.event_respond(actor=users["mobile"], event=e, response="x")  # not analysed yet
    with pytest.raises(TypeError):
        services.event_warn(actor=None, event=e, warning="x")
    services.event_warn(actor=users["ca"], event=e, warning="通管局预警")  # the communications administration may warn
    services.event_analyse(actor=users["cac"], event=e, analysis="研判")
    with pytest.raises(ActionRefused):
        services.event_respond(actor=users["telecom"], event=e, response="x")  # another operator
    assert available_actions(users["police"], e)["respond"] and not available_actions(users["ca"], e)["respond"]
    services.event_respond(actor=users["police"], event=e, response="公安机关已立案侦查")
    with pytest.raises(ActionRefused):
        services.event_close(actor=users["police"], event=e, conclusion="x")  # the cyberspace office closes
    e.refresh_from_db()
    assert e.state == EventState.RESPONDED


def test_an_event_is_recorded_by_the_parties_only_and_bad_input_writes_nothing(users, facility, event):
    f = facility()
    with pytest.raises(ActionRefused):
        event(at=f, actor=users["telecom"])  # another operator's facility
    with pytest.raises(ActionRefused):
        event(at=f, actor=users["planning"])  # a department that is not a security unit
    with pytest.raises(ActionRefused):
        event(at=f, actor=users["owner"])  # a resource owner may not record events at all
    for bad in ({"severity": "huge"}, {"category": ""}, {"title": " "}, {"detected_on": "2026-11-17"},
                {"detected_on": "16.11.2026"}):
        with pytest.raises(ValidationError) as err:
            event(at=f, **bad)
        assert set(err.value.message_dict) <= {"severity", "category", "title", "detected_on"}
    assert not SecurityEvent.objects.exists()
    by_police = event(at=f, actor=users["police"], source="report")
    assert by_police.reported_by.code == "jx-police"
    services.event_detect  # noqa: B018 - the module is importable through the app
    assert event(at=f, actor=SYSTEM).reported_by == f.operator


def test_a_facility_is_registered_by_its_operator_at_one_of_its_sites(users, sites, facility, org):
    f = facility()
    assert (f.code, f.region_id, f.lon, f.lat) == ("GJ-0001", sites["mobile"].region_id, sites["mobile"].lon,
                                                    sites["mobile"].lat)
    assert (f.cyberspace_office.code, f.police.code, f.comms_admin.code) == ("zj-cac", "jx-police", "zj-ca")
    assert f.assessment_due == dt.date(2027, 2, 16)  # the first assessment within three months
    assert Notification.objects.filter(recipient=users["cac"], subject__contains=f.code).exists()
    with pytest.raises(ValidationError) as err:
        facility(site=sites["telecom"])  # not one of mobile's sites
    assert "site" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        facility()  # registered already
    assert "site" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        facility(kind="core_room", site=None, region="330402", lon="east", lat="30.7")
    assert "lon" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        facility(criticality="9")
    assert "criticality" in err.value.message_dict
    with pytest.raises(ActionRefused):
        facility(actor=users["police"])  # only an operator registers
    with pytest.raises(ActionRefused):
        facility(actor=users["mobile"], operator=org("jx-telecom"))  # for its own organization only
    assert CriticalFacility.objects.count() == 1
    room = facility(kind="core_room", site=None, region="330402", lon="120.75", lat="30.76", address="某路1号")
    assert (room.site, room.region_id, room.lon) == (None, "330402", 120.75)


@pytest.mark.clause("zj", "31")
def test_an_assessment_sets_the_next_due_date_and_its_clock(users, facility):
    f = facility(criticality="1")
    a = services.assessment_record(actor=users["ca"], facility=f, assessor_name="通管局网络安全检查组",
                                   assessed_on="2026-11-10", scope="数据安全风险评估",
                                   findings=[{"severity": "medium", "description": "日志留存不足", "measure": "补齐审计"},
                                             {"severity": "high", "description": "管理口暴露公网",
                                              "measure": "关闭公网访问"}])
    f.refresh_from_db()
    assert (a.code, a.conclusion, a.next_due) == ("PG-2026-0001", RiskLevel.HIGH, dt.date(2027, 5, 10))
    assert f.assessment_due == dt.date(2027, 5, 10)  # level 1: six months
    assert [x.severity for x in a.findings.all()] == ["medium", "high"]
    assert Notification.objects.filter(recipient=users["mobile"], subject__contains=a.code).exists()  # high risk
    assert _notes(f)[-1] == "assess"
    assert AuditEvent.objects.filter(object_type="safeguard.securityassessment", object_id=str(a.pk)).exists()
    assert assessment_clock(f, dt.date(2027, 5, 11)).state == "overdue"
    assert assessment_clock(f, dt.date(2027, 1, 4)).state == "running"
    # the assessor may set an earlier date, never a later one than the criticality allows
    with pytest.raises(ValidationError) as err:
        services.assessment_record(actor=users["mobile"], facility=f, assessor_name="自评", assessed_on="2026-11-16",
                                   scope="x", findings=[], next_due="2027-12-01")
    assert "next_due" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.assessment_record(actor=users["mobile"], facility=f, assessor_name="自评", assessed_on="2026-11-16",
                                   scope="x", findings=[{"severity": "urgent", "description": "x", "measure": "y"}])
    assert "findings[0].severity" in err.value.message_dict
    assert SecurityAssessment.objects.count() == 1
    with pytest.raises(ActionRefused):
        services.assessment_record(actor=users["telecom"], facility=f, assessor_name="x", assessed_on="2026-11-16",
                                   scope="x", findings=[])


def test_facilities_without_a_current_assessment_show_in_the_overview(users, facility, org):
    f = facility()
    room = facility(kind="core_room", site=None, region="330402", lon="120.75", lat="30.76")
    services.assessment_record(actor=users["mobile"], facility=room, assessor_name="自评", assessed_on="2026-11-16",
                               scope="全面评估", findings=[])
    o = overview(users["mobile"])
    assert [x.code for x, _ in o.without_assessment] == [f.code]  # never assessed
    assert o.facilities == 2 and dict((v, n) for v, _, n in o.by_criticality)["2"] == 2
    # the cyberspace office sets a higher criticality: the first assessment falls due no later than before
    services.facility_rate(actor=users["cac"], facility=room, criticality="1", note="承载全市核心业务")
    room.refresh_from_db()
    assert (room.criticality, room.assessment_due) == ("1", dt.date(2027, 5, 16))
    with pytest.raises(ActionRefused):
        services.facility_rate(actor=users["mobile"], facility=room, criticality="3", note="x")
    services.facility_retire(actor=users["mobile"], facility=f, note="站点拆除")
    f.refresh_from_db()
    assert f.state == FacilityState.RETIRED and assessment_clock(f).state == "stopped"
    assert overview(users["mobile"]).without_assessment == []
    with pytest.raises(ValidationError):
        services.event_detect(actor=users["mobile"], facility=f, title="x", description="x", source="report",
                              category="other", severity="general")


@pytest.mark.today("2026-11-20")
def test_the_overdue_clocks_reach_supervision_and_the_responsible_units(users, facility, event):
    from rollout5g.ops.metrics import overdue_clocks
    from rollout5g.platform.clocks import reminders_due

    f = facility(registered_on="2026-08-01")  # first assessment due 2026-11-01: overdue
    late = event(at=f, detected_on="2026-11-16")  # serious: response due 11-18
    counts = overdue_clocks(dt.date(2026, 11, 20))
    assert counts["safeguard.event.response"] == 1 and counts["safeguard.facility.assessment"] == 1
    due = {d.spec.name: d for d in reminders_due(dt.date(2026, 11, 20), names=["safeguard.event.response",
                                                                             "safeguard.facility.assessment"])}
    response = due["safeguard.event.response"]
    assert response.row == late and response.level == "overdue" and late.code in response.subject
    assert set(response.recipients.organizations) == {f.operator, f.cyberspace_office, f.police, f.comms_admin}
    assert users["office"] in list(response.recipients.users)
    assessment = due["safeguard.facility.assessment"]
    assert assessment.row == f and set(assessment.recipients.organizations) == {f.operator, f.cyberspace_office}
