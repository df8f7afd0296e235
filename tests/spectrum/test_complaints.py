"""Interference complaints through the services: radio management from the policy data, the whole investigation
with its audit rows, the working-day clock against a hand count, refusals, wrong states, bad input, statistics."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rollout5g.audit.models import AuditEvent
from rollout5g.notifications.models import Notification
from rollout5g.platform.actors import SYSTEM
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable
from rollout5g.spectrum import services
from rollout5g.spectrum.choices import ComplaintState, SourceKind
from rollout5g.spectrum.models import InterferenceComplaint, Measurement
from rollout5g.spectrum.selectors import investigation_clock, radio_management, spectrum_leads, statistics

pytestmark = pytest.mark.django_db


def _audit_notes(obj):
    return list(AuditEvent.objects.filter(object_type__endswith=obj._meta.model_name, object_id=str(obj.pk))
                .order_by("seq").values_list("note", flat=True))


def test_radio_management_comes_from_the_spectrum_task_of_the_policy_data(org):
    # The provincial task 32 (频谱) is led by the provincial economy and IT department; its counterpart in the home
    # region (same name stem) hosts radio management there.
    assert [o.code for o in spectrum_leads()] == ["zj-dei"]
    assert radio_management() == org("jx-dei")


@pytest.mark.clause("zj", "32")
def test_the_whole_investigation_with_its_audit_rows(users, report):
    radio, mobile = users["radio"], users["mobile"]
    c = report()
    assert c.code == "GR-2026-0001" and c.state == ComplaintState.REPORTED
    assert c.investigator.code == "jx-dei" and c.reporter.code == "jx-mobile"
    assert Notification.objects.filter(recipient=radio, subject__contains=c.code).exists()

    services.complaint_monitor(actor=radio, complaint=c)
    m = services.measurement_record(actor=radio, complaint=c, measured_on="2026-11-16", frequency_mhz="2560.5",
                                    level_dbm="-62.3", place="站点东侧200米居民楼", note="宽带干扰")
    assert (str(m.frequency_mhz), str(m.level_dbm)) == ("2560.500", "-62.3")
    services.complaint_identify(actor=radio, complaint=c, source_kind="illegal_repeater",
                                description="居民自装手机信号放大器")
    services.complaint_coordinate(actor=radio, complaint=c, measure="enforcement", note="责令拆除并没收设备")
    services.complaint_resolve(actor=radio, complaint=c, resolution="放大器已拆除，底噪恢复正常",
                               resolved_on="2026-11-16")
    assert c.state == ComplaintState.RESOLVED and investigation_clock(c).state == "stopped"
    assert Notification.objects.filter(recipient=mobile, subject__contains=c.code).exists()
    services.complaint_confirm(actor=mobile, complaint=c, note="已恢复")
    c.refresh_from_db()
    assert c.state == ComplaintState.CLOSED and c.closed_on == dt.date(2026, 11, 16)
    notes = [n.split(":")[0] for n in _audit_notes(c)]
    assert notes[1:] == ["monitor", "identify", "coordinate", "resolve", "confirm"]
    assert AuditEvent.objects.filter(note="measure").count() == 1


def test_the_clock_runs_20_working_days_from_the_report(report):
    # Reported Monday 2026-11-16 (not counted): 4 + 5 + 5 + 5 working days to Friday 2026-12-11, the 20th is
    # Monday 2026-12-14 (no public holiday in between).
    c = report()
    state = investigation_clock(c, dt.date(2026, 11, 16))
    assert (state.due, state.state, state.days_left) == (dt.date(2026, 12, 14), "running", 20)
    assert investigation_clock(c, dt.date(2026, 12, 10)).state == "due_soon"
    assert investigation_clock(c, dt.date(2026, 12, 15)).state == "overdue"


def test_the_operator_says_it_persists_and_monitoring_resumes(users, report):
    radio, mobile = users["radio"], users["mobile"]
    c = report()
    services.complaint_monitor(actor=radio, complaint=c)
    services.measurement_record(actor=radio, complaint=c, measured_on="2026-11-16", frequency_mhz="2560",
                                level_dbm="-70")
    services.complaint_identify(actor=radio, complaint=c, source_kind="other_system", description="邻频雷达")
    services.complaint_resolve(actor=radio, complaint=c, resolution="已协调")
    with pytest.raises(ValidationError) as err:
        services.complaint_persists(actor=mobile, complaint=c, note="")
    assert "note" in err.value.message_dict
    services.complaint_persists(actor=mobile, complaint=c, note="干扰仍在")
    assert c.state == ComplaintState.MONITORING and c.resolved_on is None
    assert investigation_clock(c).state == "running"


def test_refusals_by_role_and_organization(users, report):
    c = report()
    for name in ("telecom", "police", "office", "mobile"):  # another operator, another department, office, reporter
        with pytest.raises(ActionRefused):
            services.complaint_monitor(actor=users[name], complaint=c)
    with pytest.raises(PermissionDenied):
        report(actor=users["radio"])  # only an operator reports
    with pytest.raises(PermissionDenied):
        report(actor=users["planning"])
    assert InterferenceComplaint.objects.count() == 1


def test_wrong_state_and_no_actor(users, report):
    c = report()
    with pytest.raises(ActionUnavailable):
        services.complaint_resolve(actor=users["radio"], complaint=c, resolution="x")
    with pytest.raises(ActionUnavailable):
        services.complaint_confirm(actor=users["mobile"], complaint=c)
    with pytest.raises(TypeError):
        services.complaint_monitor(actor=None, complaint=c)
    services.complaint_monitor(actor=SYSTEM, complaint=c)  # a system step is allowed
    with pytest.raises(ValidationError) as err:  # a source needs a measurement
        services.complaint_identify(actor=users["radio"], complaint=c, source_kind="jammer", description="x")
    assert "source_kind" in err.value.message_dict


@pytest.mark.parametrize(("field", "value"), [
    ("band", "5G"), ("freq_low_mhz", "abc"), ("freq_high_mhz", "2500"), ("symptoms", " "),
    ("started_on", "2026-11-20"), ("site", "S-NONE"), ("limit_days", 0),
])
def test_bad_input_names_the_field_and_writes_nothing(report, field, value):
    with pytest.raises(ValidationError) as err:
        report(**{field: value})
    assert field in err.value.message_dict
    assert not InterferenceComplaint.objects.exists() and not Measurement.objects.exists()


def test_bad_measurement_writes_nothing(users, report):
    c = report()
    services.complaint_monitor(actor=users["radio"], complaint=c)
    for kwargs, field in [({"level_dbm": "x"}, "level_dbm"), ({"frequency_mhz": "-1"}, "frequency_mhz"),
                          ({"measured_on": "2026-12-01"}, "measured_on")]:
        data = {"measured_on": "2026-11-16", "frequency_mhz": "2560", "level_dbm": "-60", **kwargs}
        with pytest.raises(ValidationError) as err:
            services.measurement_record(actor=users["radio"], complaint=c, **data)
        assert field in err.value.message_dict
    assert not Measurement.objects.exists()


@pytest.mark.clause("zj", "32")
def test_statistics_per_band_and_month_by_hand(users, report):
    radio = users["radio"]

    def resolved(band, reported_on, resolved_on, source):
        c = report(band=band, reported_on=reported_on, started_on=reported_on,
                   **({"freq_low_mhz": "3400", "freq_high_mhz": "3500"} if band == "n78" else {}))
        services.complaint_monitor(actor=radio, complaint=c)
        services.measurement_record(actor=radio, complaint=c, measured_on=reported_on, frequency_mhz="3450",
                                    level_dbm="-65")
        services.complaint_identify(actor=radio, complaint=c, source_kind=source, description="测试")
        services.complaint_resolve(actor=radio, complaint=c, resolution="完成", resolved_on=resolved_on)
        return c

    # n78 in October: 2026-10-12 (Mon) → 10-16 (Fri) = 4 working days; 2026-10-13 (Tue) → 11-13 (Fri) =
    # 3 + 5 + 5 + 5 + 5 = 23 working days (> 20, late). n78 November: one open. n41 November: one open.
    resolved("n78", "2026-10-12", "2026-10-16", "jammer")
    resolved("n78", "2026-10-13", "2026-11-13", "jammer")
    report(band="n78", freq_low_mhz="3400", freq_high_mhz="3500")
    report()
    rows = statistics(InterferenceComplaint.objects.all())
    got = [(r.band, r.month, r.received, r.resolved, r.open, r.within_limit, r.mean_days, r.sources) for r in rows]
    jammer = str(SourceKind.JAMMER.label)
    assert got == [
        ("n41", "2026-11", 1, 0, 1, 0, None, {}),
        ("n78", "2026-10", 2, 2, 0, 1, pytest.approx(13.5), {jammer: 2}),
        ("n78", "2026-11", 1, 0, 1, 0, None, {}),
    ]
    # What an operator sees is its own complaints only.
    assert statistics(InterferenceComplaint.objects.restrict(users["telecom"])) == []


def test_the_demo_loader_makes_every_state_once(users, sites, org, make_user):
    from rollout5g.spectrum.demo import load_demo

    SiteFactory = __import__("tests.factories", fromlist=["SiteFactory"]).SiteFactory
    SiteFactory(code="S-RADIO-3", owner=org("jx-tower"), operators=[org("jx-tower"), org("jx-unicom")])
    SiteFactory(code="S-RADIO-4", owner=org("jx-tower"), operators=[org("jx-tower"), org("jx-mobile")])
    SiteFactory(code="S-RADIO-5", owner=org("jx-tower"), operators=[org("jx-tower"), org("jx-telecom")])
    assert load_demo() == ["spectrum interference: 6 complaints (synthetic)"]
    assert load_demo() == ["spectrum interference: already loaded"]
    states = set(InterferenceComplaint.objects.values_list("state", flat=True))
    assert states == set(ComplaintState.values)
    assert not InterferenceComplaint.objects.filter(is_synthetic=False).exists()
