"""Transfer-supply prices against the provincial reference price (mark-up computed by hand), special checks by the
departments the policy task names, findings with a working-day rectification clock, rectified and verified."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rollout5g.audit.models import AuditEvent
from rollout5g.grid import services
from rollout5g.grid.models import Finding, SpecialCheck, TransferSupplyPrice
from rollout5g.grid.selectors import checking_departments, markup_of, rectify_clock, reference_on
from rollout5g.platform.workflow import ActionRefused, ActionUnavailable

pytestmark = pytest.mark.django_db


def _price(users, sites, charged, site="s1", who="tower", on=dt.date(2026, 10, 20)):
    return services.price_record(actor=users[who], site=sites[site], supplier="某物业公司", price_per_kwh=charged,
                                 observed_on=on)


@pytest.mark.parametrize(("charged", "markup", "share"), [
    ("0.8500", "0.1500", "0.2143"),  # 0.15 / 0.70 = 0.214285…
    ("0.9500", "0.2500", "0.3571"),  # 0.25 / 0.70 = 0.357142…
    ("0.7000", "0.0000", "0.0000"),
    ("0.6800", "-0.0200", "-0.0286"),  # below the standard
])
def test_markup_against_the_reference_price_by_hand(charged, markup, share):
    assert markup_of(Decimal(charged), Decimal("0.7000")) == (Decimal(markup), Decimal(share))


@pytest.mark.clause("jx", "三(二)-3", level="partial")
def test_a_price_record_takes_the_reference_valid_on_the_billing_date(users, sites, reference):
    newer = services.reference_price_create(actor=users["office"], name="一般工商业转售标准（测试）",
                                            price_per_kwh="0.6500", valid_from=dt.date(2027, 1, 1))
    assert reference_on(dt.date(2026, 12, 31)) == reference and reference_on(dt.date(2027, 1, 1)) == newer
    reference.refresh_from_db()
    assert reference.valid_to == dt.date(2026, 12, 31)  # superseded by the new price
    row = _price(users, sites, "0.8500")
    assert (row.reference_price, row.markup, row.markup_share) == (Decimal("0.7000"), Decimal("0.1500"),
                                                                   Decimal("0.2143"))
    assert row.payer.code == "jx-tower" and row.marked_up
    assert AuditEvent.objects.filter(object_type="grid.transfersupplyprice", object_id=str(row.pk)).exists()


@pytest.mark.parametrize(("field", "kw"), [
    ("site", {"site": "s4"}),  # on direct supply
    ("site", {"who": "unicom"}),  # not a site of the payer
    ("price_per_kwh", {"charged": "-1"}),
    ("price_per_kwh", {"charged": "abc"}),
    ("observed_on", {"on": dt.date(2025, 6, 1)}),  # no reference valid then
    ("observed_on", {"on": dt.date(2026, 12, 1)}),  # in the future
])
def test_bad_price_records_name_the_field_and_write_nothing(users, sites, reference, field, kw):
    values = {"charged": "0.8", **kw}
    with pytest.raises(ValidationError) as caught:
        _price(users, sites, values.pop("charged"), **values)
    assert field in caught.value.message_dict and not TransferSupplyPrice.objects.exists()


def test_overlapping_reference_prices_are_refused(users, reference):
    with pytest.raises(ValidationError) as caught:
        services.reference_price_create(actor=users["office"], name=reference.name, price_per_kwh="0.7100",
                                        valid_from=dt.date(2025, 6, 1), valid_to=dt.date(2026, 3, 1))
    assert "valid_from" in caught.value.message_dict
    with pytest.raises(ActionRefused):
        services.reference_price_create(actor=users["tower"], name="x", price_per_kwh="0.7", valid_from="2026-01-01")


def test_the_checking_departments_come_from_the_policy_task_units():
    codes = set(checking_departments().values_list("code", flat=True))
    assert codes == {"jx-drc", "jx-amr"}  # the government departments of the transfer-supply task (三(二)-3)


@pytest.mark.clause("jx", "三(二)-3", level="built")
@pytest.mark.clause("zj", "10", level="partial")
def test_special_check_finding_rectified_and_verified_on_the_working_day_clock(users, sites, reference):
    high = _price(users, sites, "0.9500")
    fair = _price(users, sites, "0.7000", site="s2")
    with pytest.raises(ValidationError) as caught:  # the police are not a checking department
        services.check_start(actor=users["police"], title="检查", period_from="2026-10-01", period_to="2026-10-31")
    assert "department" in caught.value.message_dict and not SpecialCheck.objects.exists()

    check = services.check_start(actor=users["market"], title="转供电加价专项检查", period_from="2026-10-01",
                                 period_to="2026-10-31")
    assert check.rectify_limit_days == 15
    with pytest.raises(ValidationError) as caught:
        services.finding_record(actor=users["market"], check=check, price=fair, order="整改")
    assert "price" in caught.value.message_dict  # no mark-up
    with pytest.raises(ActionRefused):  # the operator does not record findings
        services.finding_record(actor=users["tower"], check=check, price=high, order="整改")
    finding = services.finding_record(actor=users["market"], check=check, price=high, order="退还加价部分")
    assert finding.markup == Decimal("0.2500")
    # ordered on Monday 2026-11-16: 15 working days counted by hand (no holiday in between) end on Monday 7 Dec
    clock = rectify_clock(finding, dt.date(2026, 11, 16))
    assert clock.due == dt.date(2026, 12, 7) and clock.state == "running"
    assert rectify_clock(finding, dt.date(2026, 12, 8)).state == "overdue"

    with pytest.raises(ValidationError) as caught:
        services.check_close(actor=users["market"], check=check, summary="完成")
    assert "summary" in caught.value.message_dict  # a finding is still open
    with pytest.raises(ValidationError) as caught:  # still above the reference
        services.finding_report(actor=users["tower"], finding=finding, rectified_price="0.7500")
    assert "rectified_price" in caught.value.message_dict
    with pytest.raises(ActionRefused):  # mobile does not pay at this site
        services.finding_report(actor=users["mobile"], finding=finding, rectified_price="0.7000")
    finding = services.finding_report(actor=users["tower"], finding=finding, rectified_price="0.7000")
    assert finding.state == "rectified" and rectify_clock(finding).state == "stopped"
    with pytest.raises(ActionRefused):  # the operator does not verify its own report
        services.finding_verify(actor=users["tower"], finding=finding)
    finding = services.finding_reopen(actor=users["market"], finding=finding, order="价格未调整，重新整改")
    assert finding.state == "ordered" and finding.rectified_price is None
    finding = services.finding_report(actor=users["market"], finding=finding, rectified_price="0.6900")
    finding = services.finding_verify(actor=users["market"], finding=finding)
    assert finding.state == "verified" and finding.verified_on == dt.date(2026, 11, 16)
    with pytest.raises(ActionUnavailable):
        services.finding_verify(actor=users["market"], finding=finding)
    with pytest.raises(TypeError):
        services.finding_verify(actor=None, finding=finding)
    names = list(AuditEvent.objects.filter(object_type="grid.finding", object_id=str(finding.pk))
                 .values_list("note", flat=True))
    assert [n.split(":")[0] for n in names] == ["record_finding", "report", "reopen", "report", "verify"]
    check = services.check_close(actor=users["market"], check=check, summary="1处加价已整改")
    assert check.state == "closed"
    assert Finding.objects.restrict(users["tower"]).count() == 1 and not Finding.objects.restrict(users["mobile"]).exists()
