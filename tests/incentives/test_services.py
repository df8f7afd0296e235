import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from rollout5g.audit.services import history_for
from rollout5g.incentives import services
from rollout5g.incentives.models import LedgerEntry, PublicNotice
from rollout5g.incentives.trace import trace_lines
from rollout5g.platform.workflow import ActionUnavailable

pytestmark = pytest.mark.django_db


def _through_notice(app, users, start=dt.date(2021, 4, 1)):
    services.application_submit(actor=users["enterprise"], application=app, on=start)
    services.application_review(actor=users["office"], application=app, eligibility_checked=True,
                                evidence_checked=True)
    return services.notice_start(actor=users["office"], application=app, start=start)


def test_reused_invoice_is_stopped_naming_the_earlier_claim(draft, users):
    first = draft(ref="t:a", invoice="INV-77")
    services.application_submit(actor=users["enterprise"], application=first)
    second = draft(ref="t:b", invoice="INV-78")
    with pytest.raises(services.DuplicateClaim) as err:
        services.invoice_add(actor=users["enterprise"], application=second, number="INV-77", issued_on="2021-02-01",
                             amount="10", seller="测试供应商", seller_tax_id="91330400test0001 ")
    assert first.number in str(err.value) and "INV-77" in str(err.value)
    assert second.invoices.count() == 1  # nothing half-written


def test_same_project_claimed_twice_across_years_is_stopped(draft, users):
    first = draft(ref="t:proj", invoice="INV-1", year=2020)
    services.application_submit(actor=users["enterprise"], application=first)
    again = draft(ref="T:PROJ", invoice="INV-2", year=2021)
    with pytest.raises(services.DuplicateClaim) as err:
        services.application_submit(actor=users["enterprise"], application=again)
    assert first.number in str(err.value)
    again.refresh_from_db()
    assert again.state == "draft"


def test_rejected_claim_does_not_block(draft, users):
    first = draft(ref="t:r", invoice="INV-R")
    services.application_submit(actor=users["enterprise"], application=first)
    services.application_reject(actor=users["office"], application=first, note="不符合")
    second = draft(ref="t:r", invoice="INV-R2")
    services.invoice_add(actor=users["enterprise"], application=second, number="INV-R", issued_on="2021-02-01",
                         amount="10", seller="s", seller_tax_id="91330400TEST0001")
    services.application_submit(actor=users["enterprise"], application=second)
    assert second.state == "submitted"


@pytest.mark.clause("jx", "三(二)-2", level="built")
def test_full_apply_track_with_notice_in_working_days_and_ledger(draft, users):
    app = draft(ref="t:full", invoice="INV-F")
    notice = _through_notice(app, users, start=dt.date(2021, 9, 29))
    # 5 working days after Wed 29 Sep 2021: Thu 30 Sep (1); National Day holiday 1–7 Oct; Fri 8 Oct (2);
    # Sat 9 Oct, an adjusted working day (3); Mon 11 Oct (4); Tue 12 Oct (5)
    assert notice.end == dt.date(2021, 10, 12) and notice.amount == Decimal("1703703.57")
    with pytest.raises(ValidationError, match="runs until"):
        services.application_approve(actor=users["office"], application=app, on=dt.date(2021, 10, 12))
    services.application_approve(actor=users["office"], application=app, on=dt.date(2021, 10, 13))
    services.application_pay(actor=users["finance"], application=app, reference="PAY-1", on=dt.date(2021, 10, 20))
    services.application_claw_back(actor=users["office"], application=app, amount="3.57", reason="发票金额更正",
                                   on=dt.date(2021, 11, 1))
    kinds = list(LedgerEntry.objects.filter(application=app).values_list("kind", "amount"))
    assert kinds == [("approved", Decimal("1703703.57")), ("paid", Decimal("1703703.57")),
                     ("clawed_back", Decimal("3.57"))]
    states = [e.after.get("state") for e in history_for(app) if e.after and "state" in e.after]
    assert states == ["draft", "submitted", "in_notice", "approved", "paid", "clawed_back"]


def test_notice_needs_checked_eligibility_and_evidence(draft, users):
    app = draft(ref="t:n", invoice="INV-N")
    services.application_submit(actor=users["enterprise"], application=app)
    with pytest.raises(ActionUnavailable):  # the declared condition: eligibility and evidence checked first
        services.notice_start(actor=users["office"], application=app)
    assert not PublicNotice.objects.filter(application=app).exists()


def test_adjustment_needs_a_reason_and_is_traced(draft, users):
    app = draft(ref="t:adj", invoice="INV-A")
    services.application_submit(actor=users["enterprise"], application=app)
    with pytest.raises(ValidationError):
        services.application_adjust(actor=users["office"], application=app, amount="1000000", reason=" ")
    services.application_adjust(actor=users["office"], application=app, amount="1000000", reason="部分发票不予认定")
    assert app.amount_due == Decimal("1000000.00") and app.trace[-1]["reason"] == "部分发票不予认定"
    assert history_for(app).filter(action="adjust", note="部分发票不予认定").exists()


def test_only_the_clauses_reviewers_review(draft, users, make_user):
    app = draft(ref="t:p", invoice="INV-P")
    services.application_submit(actor=users["enterprise"], application=app)
    for name in ("police", "mobile", "wingtech", "enterprise"):
        with pytest.raises(PermissionDenied):
            services.application_review(actor=users[name], application=app, eligibility_checked=True,
                                        evidence_checked=True)
    services.application_review(actor=users["finance"], application=app, eligibility_checked=True,
                                evidence_checked=True)
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=users["wingtech"], application=draft(ref="t:q", invoice="INV-Q"))


def test_yearly_cap_per_enterprise(draft, users, upgrade):
    services.cap_save(actor=users["office"], clause=upgrade, amount="2000000")
    first = draft(ref="t:c1", invoice="INV-C1")
    _through_notice(first, users)
    services.application_approve(actor=users["office"], application=first, on=dt.date(2021, 5, 1))
    second = draft(ref="t:c2", invoice="INV-C2", eq="5000000", it="0")
    # 2,000,000 − 1,703,703.57 already granted in 2021 leaves 296,296.43 of the 500,000 computed
    assert second.computed_amount == Decimal("296296.43")
    with translation.override("en"):
        assert any("room left ¥296,296.43" in line for line in trace_lines(second.trace))


def test_claim_without_invoices_or_ineligible_is_refused(users, jiali, upgrade):
    app = services.application_create(actor=users["enterprise"], enterprise=jiali, clause=upgrade,
                                      project_title="x", project_ref="t:noinv", year=2021,
                                      amounts={"equipment_investment": "10", "technology_it_investment": "0"})
    with pytest.raises(ValidationError, match="invoices"):
        services.application_submit(actor=users["enterprise"], application=app)
    services.invoice_add(actor=users["enterprise"], application=app, number="INV-X", issued_on="2021-01-01",
                         amount="10", seller="s", seller_tax_id="T")
    with pytest.raises(ValidationError, match="not eligible"):
        services.application_submit(actor=users["enterprise"], application=app)  # project not declared


def test_demo_has_every_state_and_is_idempotent(users):
    from rollout5g.audit.models import AuditEvent
    from rollout5g.incentives.choices import ApplicationState
    from rollout5g.incentives.demo import load_demo
    from rollout5g.incentives.models import Application, IndustryProfile

    assert set(Application.objects.values_list("state", flat=True)) == set(ApplicationState.values)
    assert IndustryProfile.objects.filter(named_in_document=True).count() == 11
    before = (AuditEvent.objects.count(), Application.objects.count())
    load_demo(password="test-password-1")
    assert (AuditEvent.objects.count(), Application.objects.count()) == before
