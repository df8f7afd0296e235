"""Relocation: compensation as an exact decimal, the replacement secured before the old site goes, rebuilds."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from rollout5g.cases import services
from rollout5g.cases.choices import RelocationCause, RelocationState
from rollout5g.cases.selectors import case_clock, rebuild_list
from rollout5g.platform.actors import SYSTEM
from rollout5g.platform.workflow import ActionUnavailable
from rollout5g.sites.choices import SiteState
from rollout5g.sites.services import site_create, site_transition

pytestmark = pytest.mark.django_db


def _open(users, site, **kw):
    return services.relocation_open(actor=users["mobile"], site=site, cause=RelocationCause.DEMOLITION,
                                    notice_date=kw.pop("notice_date", dt.date(2026, 9, 1)),
                                    demanding_party="南湖区征迁指挥部", project="城南旧改", **kw)


def _new_site(org, near, *states):
    site = site_create(actor=SYSTEM, owner=org, name="迁建站", lon=near.lon + 0.003, lat=near.lat + 0.002,
                       site_type=near.site_type)
    for state in states:
        site = site_transition(actor=SYSTEM, site=site, to_state=state)
    return site


@pytest.mark.parametrize("amount, message", [
    ("-1", "must be ≥ 0"), (-1.5, "not a float"), ("12.345", "at most two decimals"), ("abc", "is not an amount"),
    ("NaN", "is not an amount"),
])
def test_compensation_must_be_a_non_negative_decimal(users, site_of, amount, message):
    case = _open(users, site_of("jx-mobile"))
    with translation.override("en"), pytest.raises(services.CaseError, match=message):
        services.relocation_agree_compensation(actor=users["mobile"], case=case, amount=amount, basis="评估报告")
    with pytest.raises(services.CaseError, match="compensation_basis"):
        services.relocation_agree_compensation(actor=users["mobile"], case=case, amount="100", basis="")
    case.refresh_from_db()
    assert case.compensation_amount is None and case.state == RelocationState.NOTIFIED


@pytest.mark.clause("jx", "二(一)3-2", level="built")
@pytest.mark.clause("zj", "11", level="partial")
def test_compensation_is_stored_exactly(users, site_of):
    case = _open(users, site_of("jx-mobile"))
    case = services.relocation_agree_compensation(actor=users["mobile"], case=case, amount="86,500.10",
                                                  basis="《迁移补偿协议》第三条")
    case.refresh_from_db()
    assert case.compensation_amount == Decimal("86500.10") and case.state == RelocationState.AGREED


@pytest.mark.clause("jx", "二(一)3-2", level="built")
@pytest.mark.clause("zj", "11", level="partial")
def test_old_site_is_not_retired_before_the_replacement_is_approved(users, site_of, org):
    old = site_of("jx-mobile")
    case = _open(users, old)
    with pytest.raises(ActionUnavailable):  # no replacement secured yet: the step is not open
        services.relocation_remove_old(actor=users["mobile"], case=case)
    planned = _new_site(org("jx-mobile"), old)
    with pytest.raises(services.CaseError, match="replacement_site"):
        services.relocation_secure_replacement(actor=users["mobile"], case=case, replacement=planned)
    approved = _new_site(org("jx-mobile"), old, SiteState.APPLIED, SiteState.APPROVED)
    case = services.relocation_secure_replacement(actor=users["mobile"], case=case, replacement=approved)
    assert case.state == RelocationState.SECURED
    # the replacement falls back (an approval revoked, the plan abandoned): the old site stays
    site_transition(actor=SYSTEM, site=approved, to_state=SiteState.RETIRED)
    with pytest.raises(ActionUnavailable):  # the declared condition: the replacement is at least approved
        services.relocation_remove_old(actor=users["mobile"], case=case)
    old.refresh_from_db()
    assert old.state == SiteState.ON_AIR


@pytest.mark.clause("jx", "二(一)3-2", level="built")
def test_relocation_to_rebuilt(users, site_of, org):
    old = site_of("jx-mobile")
    case = _open(users, old, notice_date=dt.date(2026, 9, 1))
    replacement = _new_site(org("jx-mobile"), old, SiteState.APPLIED, SiteState.APPROVED)
    services.relocation_secure_replacement(actor=users["mobile"], case=case, replacement=replacement)
    case = services.relocation_remove_old(actor=users["mobile"], case=case, on=dt.date(2026, 9, 30))
    old.refresh_from_db()
    assert (old.state, old.retired_date, case.state) == (SiteState.RETIRED, dt.date(2026, 9, 30),
                                                         RelocationState.REMOVED)
    # the rebuild clock (60 working days) starts at the removal on 2026-09-30: Oct 8-9 (2), Oct 10 worked (3),
    # then 57 weekdays from Mon Oct 12 (no holiday left in 2026 after National Day) -> Tue 2026-12-29
    assert case.rebuild_limit_days == 60
    assert case_clock(case, today=dt.date(2026, 10, 8)).due == dt.date(2026, 12, 29)
    assert case in [c for c, _ in rebuild_list()]
    with pytest.raises(services.CaseError, match="replacement_site"):
        services.relocation_rebuilt(actor=users["mobile"], case=case)
    for state in (SiteState.BUILDING, SiteState.ON_AIR):
        replacement = site_transition(actor=SYSTEM, site=replacement, to_state=state)
    case = services.relocation_rebuilt(actor=users["mobile"], case=case)
    assert case.state == RelocationState.REBUILT and case not in [c for c, _ in rebuild_list()]


@pytest.mark.clause("jx", "二(一)3-2", level="built")
def test_site_demolished_earlier_is_listed_with_its_rebuild_due(users, site_of):
    site = site_of("jx-telecom")
    case = services.relocation_record_demolished(actor=users["office"], site=site, cause=RelocationCause.DEMOLITION,
                                                 demolished_on=dt.date(2025, 6, 1), demanding_party="区征迁指挥部",
                                                 rebuild_due=dt.date(2026, 6, 30))
    site.refresh_from_db()
    assert site.state == SiteState.RETIRED and case.demolished_earlier
    rows = {c.pk: clock for c, clock in rebuild_list()}
    assert rows[case.pk].due == dt.date(2026, 6, 30)
    assert case_clock(case, today=dt.date(2026, 7, 1)).state == "overdue"
    with pytest.raises(services.CaseError, match="rebuild_due"):
        services.relocation_record_demolished(actor=users["office"], site=site_of("jx-telecom"),
                                              cause=RelocationCause.DEMOLITION, demolished_on=dt.date(2025, 6, 1),
                                              demanding_party="x", rebuild_due=dt.date(2025, 1, 1))


def test_only_the_operator_or_the_office_acts(users, site_of):
    case = _open(users, site_of("jx-mobile"))
    with pytest.raises(PermissionDenied):
        services.relocation_agree_compensation(actor=users["telecom"], case=case, amount="1", basis="x")
    with pytest.raises(services.CaseError, match="'site'"):
        services.relocation_open(actor=users["telecom"], site=site_of("jx-mobile"), cause=RelocationCause.RENOVATION,
                                 notice_date=dt.date(2026, 9, 1), demanding_party="x")
    with pytest.raises(services.CaseError, match="demanding_party"):
        services.relocation_open(actor=users["mobile"], site=site_of("jx-mobile"), cause="demolition",
                                 notice_date=dt.date(2026, 9, 1), demanding_party=" ")
    with pytest.raises(services.CaseError, match="'site'"):
        _open(users, case.site)
    services.relocation_agree_compensation(actor=users["office"], case=case, amount="0", basis="无偿迁移（公共设施）")

