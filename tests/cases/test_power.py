"""Power cases: the green-channel connection and the conversion to direct supply, their clock, and the indicator."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from rollout5g.audit.services import history_for
from rollout5g.cases import services
from rollout5g.cases.choices import PowerKind, PowerState
from rollout5g.cases.selectors import case_clock, direct_supply_share, supply_by_county
from rollout5g.platform.workflow import ActionUnavailable
from rollout5g.policy.indicators import observe
from rollout5g.policy.models import Indicator
from rollout5g.sites.choices import PowerSupply

pytestmark = pytest.mark.django_db


@pytest.mark.clause("jx", "三(二)-3", level="partial")
def test_connection_walks_applied_accepted_surveyed_connected(users, site_of):
    site = site_of("jx-mobile")
    case = services.power_apply(actor=users["mobile"], site=site, kind=PowerKind.CONNECTION,
                                received_on=dt.date(2026, 9, 28), capacity_kw="12.5")
    assert case.number.startswith("PWR-2026-") and case.handler.code == "jx-power"
    assert (case.state, case.limit_days, case.capacity_kw) == (PowerState.APPLIED, 10, Decimal("12.5"))
    power = users["power"]
    case = services.power_accept(actor=power, case=case, on=dt.date(2026, 9, 29))
    case = services.power_survey(actor=power, case=case, on=dt.date(2026, 9, 30))
    case = services.power_complete(actor=power, case=case, on=dt.date(2026, 10, 9))
    assert case.state == PowerState.COMPLETED and case.closed_on == dt.date(2026, 10, 9)
    actions = [e.action for e in history_for(case)]
    assert actions == ["create", "transition", "transition", "transition"]
    # the power company is notified of the application, the applicant of each step
    assert users["power"].notifications.filter(key=f"cases:power:{case.pk}:applied").exists()
    assert users["mobile"].notifications.filter(key=f"cases:power:{case.pk}:completed").exists()


@pytest.mark.clause("jx", "三(四)", level="partial")
def test_green_channel_clock_counts_national_day(users, site_of):
    # received Monday 2026-09-28, 10 working days: 29, 30 Sep; 1-7 Oct off; 8, 9, 10 (Saturday worked), 12, 13, 14,
    # 15, 16 Oct -> due Friday 2026-10-16
    case = services.power_apply(actor=users["mobile"], site=site_of("jx-mobile"), kind=PowerKind.CONNECTION,
                                received_on=dt.date(2026, 9, 28))
    clock = case_clock(case, today=dt.date(2026, 10, 14))
    assert clock.due == dt.date(2026, 10, 16) and not clock.provisional
    assert (clock.state, clock.days_left) == ("due_soon", 2)
    assert case_clock(case, today=dt.date(2026, 10, 19)).state == "overdue"


@pytest.mark.clause("zj", "10", level="partial")
@pytest.mark.clause("jx", "三(四)", level="partial")
def test_conversion_sets_direct_supply_and_moves_the_indicator(users, transfer_site):
    county = transfer_site.region
    before = direct_supply_share(county)
    counts_before = {r.region.adcode: r for r in supply_by_county()}[county.adcode]
    case = services.power_apply(actor=users["mobile"], site=transfer_site, kind=PowerKind.CONVERSION)
    power = users["power"]
    services.power_accept(actor=power, case=case)
    services.power_survey(actor=power, case=case)
    with pytest.raises(services.CaseError, match="meter_number"):
        services.power_complete(actor=power, case=case)
    services.power_complete(actor=power, case=case, meter_number="3304001234567")
    transfer_site.refresh_from_db()
    assert transfer_site.power_supply == PowerSupply.DIRECT
    counts = {r.region.adcode: r for r in supply_by_county()}[county.adcode]
    direct, transfer = counts_before.direct + 1, counts_before.transfer - 1
    assert (counts.direct, counts.transfer, counts.conversions_done) == (
        direct, transfer, counts_before.conversions_done + 1)
    after = direct_supply_share(county)
    assert after == (Decimal(direct) / Decimal(direct + transfer)).quantize(Decimal("0.0001"))
    assert after > before
    # on yesterday the conversion had not happened: the share is what it was
    assert direct_supply_share(county, dt.date.today() - dt.timedelta(days=1)) == before
    # the registered source answers for an indicator naming it
    indicator = Indicator(key="t", name="t", unit="share", source="cases.direct_supply_share")
    assert observe(indicator, county, dt.date.today()).value == after


def test_refusal_needs_a_reason_and_only_the_power_company_acts(users, site_of):
    case = services.power_apply(actor=users["telecom"], site=site_of("jx-telecom"), kind=PowerKind.CONNECTION)
    with pytest.raises(PermissionDenied):
        services.power_accept(actor=users["telecom"], case=case)
    with pytest.raises(PermissionDenied):
        services.power_accept(actor=users["police"], case=case)
    with pytest.raises(services.CaseError, match="reason"):
        services.power_refuse(actor=users["power"], case=case, reason="  ")
    case = services.power_refuse(actor=users["power"], case=case, reason="配变容量不足")
    assert case.state == PowerState.REFUSED and case.refusal_reason == "配变容量不足"
    with pytest.raises(ActionUnavailable):  # a refused case is not accepted any more
        services.power_accept(actor=users["power"], case=case)


def test_bad_applications_are_refused(users, site_of):
    site = site_of("jx-mobile")
    with pytest.raises(services.CaseError, match="既不拥有也未共享"):  # telecom does not share mobile's site
        services.power_apply(actor=users["telecom"], site=site_of("jx-mobile"), kind=PowerKind.CONNECTION)
    with pytest.raises(services.CaseError, match="kind"):
        services.power_apply(actor=users["mobile"], site=site, kind="solar")
    with pytest.raises(services.CaseError, match="capacity_kw"):
        services.power_apply(actor=users["mobile"], site=site, kind=PowerKind.CONNECTION, capacity_kw="-3")
    services.power_apply(actor=users["mobile"], site=site, kind=PowerKind.CONNECTION)
    with pytest.raises(services.CaseError, match="'site'"):
        services.power_apply(actor=users["mobile"], site=site, kind=PowerKind.CONNECTION)
    direct = site_of("jx-mobile", power_supply=PowerSupply.DIRECT)
    with pytest.raises(services.CaseError, match="'site'"):
        services.power_apply(actor=users["mobile"], site=direct, kind=PowerKind.CONVERSION)

