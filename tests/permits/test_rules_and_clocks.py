"""Rules as data (engine, loader, bad input) and the statutory clocks in working days."""

import datetime as dt
import math
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from rollout5g.audit.models import AuditEvent
from rollout5g.core.geo import haversine_m
from rollout5g.core.radio import nr
from rollout5g.permits import selectors, services
from rollout5g.permits.models import ClockPause, ItemRule, ItemType
from rollout5g.permits.rules import DEFAULT_RULES_PATH, RulesError, items_needed, load_rules, rule_applies
from rollout5g.workcalendar.services import calendar_year_save

pytestmark = pytest.mark.django_db
D = dt.date


def _rules():
    return list(ItemRule.objects.select_related("item_type").filter(ruleset__code="jiaxing"))


def test_rule_engine_when_and_unless():
    assert rule_applies({"new_structure": True}, {"on_existing_building": True}, {"new_structure": True,
                                                                                  "on_existing_building": False})
    assert not rule_applies({"new_structure": True}, {"on_existing_building": True},
                            {"new_structure": True, "on_existing_building": True})
    assert rule_applies({"site_type": ["macro_tower", "street_pole"]}, {}, {"site_type": "street_pole"})
    assert not rule_applies({"site_type": ["macro_tower"]}, {}, {"site_type": "rooftop"})


def test_jiaxing_rules_per_kind_of_site():
    base = {"new_structure": False, "on_existing_building": False, "in_road": False, "new_power_connection": False,
            "transmitting": True}
    tower = items_needed({**base, "site_type": "macro_tower", "new_structure": True, "new_power_connection": True},
                         _rules())
    assert list(tower) == ["planning_permit", "construction_permit", "radio_station_licence", "emf_registration",
                           "power_connection"]
    rooftop = items_needed({**base, "site_type": "rooftop", "new_structure": True, "on_existing_building": True},
                           _rules())
    assert list(rooftop) == ["radio_station_licence", "emf_registration"]  # exempt from the planning permit
    pole = items_needed({**base, "site_type": "smart_pole", "new_structure": True, "in_road": True}, _rules())
    assert "road_permit" in pole and "construction_permit" not in pole
    assert pole["road_permit"] == ["road-in-road"]


def test_loader_is_idempotent_and_audited():
    before = AuditEvent.objects.count()
    report = load_rules(DEFAULT_RULES_PATH)
    assert (report.created, report.updated) == (0, 0) and report.unchanged == 13
    assert AuditEvent.objects.count() == before


def test_loader_change_is_audited_and_rules_follow_the_file(tmp_path):
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8").replace("promised_limit_days: 7", "promised_limit_days: 4")
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    report = load_rules(path)
    assert report.updated >= 1
    planning = ItemType.objects.get(code="planning_permit")
    assert planning.promised_limit_days == 4
    event = AuditEvent.objects.filter(object_type="permits.itemtype", object_id=str(planning.pk)).last()
    assert event.before == {"promised_limit_days": 7} and event.after == {"promised_limit_days": 4}


@pytest.mark.parametrize("old,new,message", [
    ("department: jx-nrp", "department: jx-nowhere", "item_types[1] (planning_permit).department: unknown organization"),
    ("legal_limit_days: 15\n    promised_limit_days: 5\n    joint_survey: true",
     "legal_limit_days: 15\n    promised_limit_days: 50\n    joint_survey: true", "promised_limit_days"),
    ("when: {in_road: true}", "when: {in_road: yes please}", "rules[5] (road-in-road).when.in_road: must be true"),
    ("item: power_connection", "item: power", "rules[6] (power-new-connection).item: unknown item type 'power'"),
])
def test_loader_bad_input_names_entry_and_field_and_changes_nothing(tmp_path, old, new, message):
    path = tmp_path / "bad.yaml"
    path.write_text(DEFAULT_RULES_PATH.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    before = AuditEvent.objects.count()
    with pytest.raises(RulesError) as exc:
        load_rules(path)
    assert "bad.yaml" in str(exc.value) and message in str(exc.value)
    assert AuditEvent.objects.count() == before


def test_project_code_format():
    assert services.validate_project_code(" 2026-330402-63-03-012345 ") == "2026-330402-63-03-012345"
    for bad in ("2026-330402-63-04-012345", "26-330402-63-03-012345", "2026-990402-63-03-012345", "abc"):
        with translation.override("en"), pytest.raises(services.ApprovalError, match="Project code"):
            services.validate_project_code(bad)


def test_review_engines_against_hand_values():
    # 200 W over 273 PRB x 12 RE (100 MHz, 30 kHz): 10 log10(200000) - 10 log10(3276) = 53.0103 - 35.1536
    assert nr.band_re_power_dbm(200.0, 100.0, "n78") == pytest.approx(17.857, abs=0.001)
    # one degree of latitude on the sphere of radius 6 371 008.8 m
    assert haversine_m(120.0, 30.0, 120.0, 31.0) == pytest.approx(math.pi / 180 * 6371008.8, rel=1e-9)
    assert SimpleNamespace  # (imported for the planned-cell objects of the review)


def _received(users, batch_sites, on):
    app = services.application_create(actor=users["mobile"], title="clock test", project_code="2026-330402-63-03-000001",
                                      contact_phone="1")
    services.application_add_site(actor=users["mobile"], application=app, **batch_sites[1])
    for row in services.required_materials(app):
        services.material_upload(actor=users["mobile"], application=app, code=row["code"], file_name="x.pdf",
                                 content=b"%PDF")
    return services.application_submit(actor=users["mobile"], application=app, on=on)


def test_acceptance_window_over_national_day_2026(users, batch_sites):
    """Received Monday 2026-09-28, 5 working days, day of receipt not counted (2026 notice: 10-01..10-07 off,
    Saturday 10-10 worked): 09-29 (1), 09-30 (2), 10-08 (3), 10-09 (4), 10-10 (5)."""
    app = _received(users, batch_sites, D(2026, 9, 28))
    due = selectors.acceptance_due(app)
    assert due.date == D(2026, 10, 10) and not due.provisional


def test_missed_window_counts_as_accepted_on_the_day_received(users, batch_sites):
    app = _received(users, batch_sites, D(2026, 9, 28))
    assert services.deem_accepted_lapsed(D(2026, 10, 10)) == []  # the due day itself is still in the window
    services.clock_check(D(2026, 10, 12))
    app.refresh_from_db()
    assert app.state == "under_review" and app.accepted_on == D(2026, 9, 28) and app.deemed_accepted
    assert set(app.items.values_list("state", flat=True)) == {"in_review"}


def test_notice_after_the_window_is_refused(users, batch_sites):
    app = _received(users, batch_sites, D(2026, 9, 28))
    with translation.override("en"), pytest.raises(services.ApprovalError, match="counts as accepted"):
        services.notice_issue(actor=users["office"], application=app, on=D(2026, 10, 12))


def test_pause_of_three_working_days_moves_the_due_date_by_three(users, batch_sites):
    app = _received(users, batch_sites, D(2026, 9, 27))
    services.application_accept(actor=users["office"], application=app, on=D(2026, 9, 28))
    type(app).objects.filter(pk=app.pk).update(promised_limit_days=5)
    app.refresh_from_db()
    assert selectors.application_clock(app, promised=True).due(selectors.working_calendar()).date == D(2026, 10, 10)
    pause = services.pause_start(actor=users["office"], application=app, kind="testing", start=D(2026, 9, 29),
                                 reason="EMF measurement")
    services.pause_end(actor=users["office"], pause=pause, end=D(2026, 10, 8))
    # paused working days: 09-29, 09-30, 10-08; then 10-09 (1), 10-10 (2), 10-12 (3), 10-13 (4), 10-14 (5)
    clock = selectors.application_clock(app, promised=True)
    assert clock.due(selectors.working_calendar()).date == D(2026, 10, 14)
    # an item's clock includes the application-wide pause too
    item = app.items.first()
    item_due = selectors.item_clock(item).due(selectors.working_calendar())
    unpaused = selectors.working_calendar().add_working_days(D(2026, 9, 28), item.legal_limit_days)
    assert selectors.working_calendar().working_days_between(unpaused.date, item_due.date).days == 3
    assert ClockPause.objects.filter(application=app).count() == 1


def test_due_date_in_2027_is_provisional_until_2027_is_loaded(users, batch_sites):
    app = _received(users, batch_sites, D(2026, 12, 18))
    app = services.application_accept(actor=users["office"], application=app, on=D(2026, 12, 21))
    views = {c.label: c for c in selectors.application_clocks(app, today=D(2026, 12, 22))}
    # promised 10 working days from Monday 12-21: 12-22..12-25 (4), 12-28..12-31 (8), 2027-01-01 guessed (9), 01-04
    assert views["promised"].status.due.date == D(2027, 1, 4) and views["promised"].status.provisional
    calendar_year_save(None, year=2027, holidays=["2027-01-01"], adjusted_workdays=[],
                       source="国务院办公厅关于2027年部分节假日安排的通知（测试）")
    views = {c.label: c for c in selectors.application_clocks(app, today=D(2026, 12, 22))}
    assert views["promised"].status.due.date == D(2027, 1, 5) and not views["promised"].status.provisional


def test_extension_adds_working_days_with_reason_and_approver(users, batch_sites):
    app = _received(users, batch_sites, D(2026, 9, 27))
    app = services.application_accept(actor=users["office"], application=app, on=D(2026, 9, 28))
    with translation.override("en"), pytest.raises(services.ApprovalError, match="reason"):
        services.extension_grant(actor=users["office"], application=app, days=2, reason=" ")
    with pytest.raises(PermissionDenied):
        services.extension_grant(actor=users["mobile"], application=app, days=2, reason="x")
    ext = services.extension_grant(actor=users["office"], application=app, days=2, reason="专家评审")
    assert ext.approved_by == users["office"]
    clock = selectors.application_clock(app)
    assert clock.total_days == app.legal_limit_days + 2
