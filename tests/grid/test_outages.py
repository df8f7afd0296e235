"""Outage notices: the power company notifies, the operators of the affected sites acknowledge, the restoration is
recorded; statistics per month and county against hand-computed values; refusals and bad input."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rollout5g.audit.models import AuditEvent
from rollout5g.grid import services
from rollout5g.grid.models import OutageNotice
from rollout5g.grid.selectors import outage_statistics, power_company, totals
from rollout5g.notifications.models import Notification
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable

from .conftest import at

pytestmark = pytest.mark.django_db


def _planned(users, rows, **kw):
    values = dict(actor=users["power"], kind="planned", sites=[rows["s1"], rows["s2"], rows["s3"]],
                  starts_at=at("2026-11-10 08:00"), expected_end=at("2026-11-10 12:00"),
                  notified_at=at("2026-11-07 08:00"), area="10kV 测试线", reason="线路检修")
    values.update(kw)
    return services.outage_notify(**values)


def test_the_power_company_is_found_by_kind_not_by_code():
    assert power_company().kind == "utility"
    assert power_company().region_id == "330400"  # the home region's own company, not the province's


@pytest.mark.clause("jx", "三(四)", level="partial")
def test_notice_reaches_the_operators_of_the_sites_who_acknowledge_then_restored(users, sites):
    notice = _planned(users, sites)
    acks = {a.organization.code: a for a in notice.acks.select_related("organization")}
    assert {code: a.sites for code, a in acks.items()} == {"jx-tower": 3, "jx-mobile": 2, "jx-telecom": 1}
    assert Notification.objects.filter(recipient=users["mobile"], url=f"/power/outages/{notice.code}/").exists()
    assert not Notification.objects.filter(recipient=users["unicom"]).exists()  # no site of its in the notice

    ack = services.outage_acknowledge(actor=users["mobile"], ack=acks["jx-mobile"], at=at("2026-11-07 13:00"))
    assert ack.state == "acknowledged" and ack.hours_to_acknowledge == Decimal("5.00")
    assert AuditEvent.objects.filter(object_type="grid.outageack", object_id=str(ack.pk),
                                     note__startswith="acknowledge").exists()
    with pytest.raises(ActionRefused):  # not its organization's acknowledgement
        services.outage_acknowledge(actor=users["telecom"], ack=acks["jx-tower"])
    with pytest.raises(ActionUnavailable):  # already acknowledged
        services.outage_acknowledge(actor=users["mobile"], ack=acks["jx-mobile"])
    with pytest.raises(TypeError):
        services.outage_acknowledge(actor=None, ack=acks["jx-telecom"])

    with pytest.raises(ActionRefused):  # only the power company restores
        services.outage_restore(actor=users["tower"], notice=notice, actual_end=at("2026-11-10 12:30"))
    notice = services.outage_restore(actor=users["power"], notice=notice, actual_end=at("2026-11-10 12:30"))
    assert notice.state == "restored" and notice.hours == Decimal("4.50")
    assert AuditEvent.objects.filter(object_type="grid.outagenotice", note__startswith="restore").exists()
    with pytest.raises(ActionUnavailable):
        services.outage_cancel(actor=users["power"], notice=notice, reason="x")


def test_only_a_planned_outage_can_be_cancelled(users, sites):
    unplanned = services.outage_notify(actor=users["power"], kind="unplanned", sites=["S-GRID-4"],
                                       starts_at=at("2026-11-12 14:00"), expected_end=at("2026-11-12 16:00"),
                                       notified_at=at("2026-11-12 14:30"))
    with pytest.raises(ActionUnavailable):
        services.outage_cancel(actor=users["power"], notice=unplanned, reason="误报")
    planned = _planned(users, sites, starts_at=at("2026-11-20 08:00"), expected_end=at("2026-11-20 10:00"),
                       notified_at=None)
    assert services.outage_cancel(actor=users["power"], notice=planned, reason="改期").state == "cancelled"


@pytest.mark.parametrize(("field", "values"), [
    ("utility", {"actor": "planning"}),  # a department that is not the power company
    ("expected_end", {"expected_end": at("2026-11-10 07:00")}),
    ("starts_at", {"notified_at": at("2026-11-10 09:00")}),  # a planned outage notified after it started
    ("sites", {"sites": ["NO-SUCH-SITE"]}),
    ("sites", {"sites": []}),
    ("kind", {"kind": "sometimes"}),
])
def test_bad_notices_name_the_field_and_write_nothing(users, sites, field, values):
    if values.get("actor"):
        values = {**values, "actor": users[values["actor"]]}
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        _planned(users, sites, **values)
    assert field in caught.value.message_dict
    assert OutageNotice.objects.count() == 0 and AuditEvent.objects.count() == before


@pytest.mark.clause("jx", "三(四)", level="partial")
def test_statistics_per_month_and_county_match_the_hand_count(users, sites):
    a = _planned(users, sites)
    acks = {x.organization.code: x for x in a.acks.select_related("organization")}
    services.outage_acknowledge(actor=users["tower"], ack=acks["jx-tower"], at=at("2026-11-07 10:00"))
    services.outage_acknowledge(actor=users["mobile"], ack=acks["jx-mobile"], at=at("2026-11-07 13:00"))
    services.outage_restore(actor=users["power"], notice=a, actual_end=at("2026-11-10 12:30"))
    b = services.outage_notify(actor=users["power"], kind="unplanned", sites=[sites["s4"]],
                               starts_at=at("2026-11-12 14:00"), expected_end=at("2026-11-12 16:00"),
                               notified_at=at("2026-11-12 14:30"))
    services.outage_acknowledge(actor=users["tower"], ack=b.acks.get(), at=at("2026-11-12 15:00"))
    cancelled = _planned(users, sites, starts_at=at("2026-11-25 08:00"), expected_end=at("2026-11-25 18:00"),
                         notified_at=None)
    services.outage_cancel(actor=users["power"], notice=cancelled, reason="改期")

    months = outage_statistics(OutageNotice.objects.all(), by="month")
    assert [(m.key, m.notices, m.planned, m.unplanned, m.sites) for m in months] == [("2026-11", 2, 1, 1, 4)]
    # 3 sites × 4.5 h (08:00 to 12:30, restored) + 1 site × 2 h (expected end, not restored)
    assert months[0].site_hours == Decimal("15.50")
    # acknowledged after 2 h, 5 h and 0.5 h; telecom has not acknowledged
    assert (months[0].acknowledged, months[0].pending, months[0].mean_ack_hours) == (3, 1, Decimal("2.50"))
    assert totals(months).site_hours == Decimal("15.50")

    counties = {r.key: r for r in outage_statistics(OutageNotice.objects.all(), by="county")}
    assert set(counties) == {"330402", "330411"}
    nanhu, xiuzhou = counties["330402"], counties["330411"]
    assert (nanhu.notices, nanhu.sites, nanhu.site_hours, nanhu.mean_ack_hours) == (1, 3, Decimal("13.50"),
                                                                                   Decimal("3.50"))
    assert (xiuzhou.notices, xiuzhou.sites, xiuzhou.site_hours, xiuzhou.mean_ack_hours) == (1, 1, Decimal("2.00"),
                                                                                           Decimal("0.50"))
    assert nanhu.label != "330402"  # the county's name


def test_an_operator_sees_only_the_notices_of_its_sites(users, sites):
    a = _planned(users, sites, sites=[sites["s3"]])
    assert OutageNotice.objects.restrict(users["tower"]).filter(pk=a.pk).exists()
    assert not OutageNotice.objects.restrict(users["mobile"]).filter(pk=a.pk).exists()
    assert OutageNotice.objects.restrict(users["office"]).filter(pk=a.pk).exists()
    assert not OutageNotice.objects.restrict(users["planning"]).filter(pk=a.pk).exists()
    assert dt.date(2026, 11, 16) == dt.date.today()
