"""Calculations of the issue's Done-when, through the clause rows the policy YAML loaded."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from rollout5g.core import incentives as engine
from rollout5g.incentives import services
from rollout5g.incentives.choices import Level
from rollout5g.incentives.models import Application
from rollout5g.incentives.trace import trace_lines
from rollout5g.platform.actors import SYSTEM
from rollout5g.policy.models import IncentiveClause, PolicyDocument

pytestmark = pytest.mark.django_db


@pytest.mark.clause("jx", "三(二)-2", level="built")
def test_smart_upgrade_issue_amounts(draft):
    app = draft()
    # 12,345,678.91 × 10% = 1,234,567.891 ; 2,345,678.37 × 20% = 469,135.674 ; sum 1,703,703.565
    assert app.unrounded_amount == Decimal("1703703.565")
    assert app.computed_amount == Decimal("1703703.57")
    # stored as steps (codes and exact amounts), worded in the reader's language with the bases by their labels
    assert {"step": "term", "base": "equipment_investment", "amount": "12345678.91", "rate": "0.1",
            "product": "1234567.891"} in app.trace
    with translation.override("en"):
        trace = "\n".join(trace_lines(app.trace))
    assert "Actual equipment investment: ¥12,345,678.91 × 10% = ¥1,234,567.891" in trace
    assert "Technology and IT investment: ¥2,345,678.37 × 20% = ¥469,135.674" in trace
    assert "Rounded half up to the fen: ¥1,703,703.565 → ¥1,703,703.57" in trace
    assert "equipment_investment" not in trace and "half_up_fen" not in trace
    stored = Application.objects.get(pk=app.pk)
    assert stored.trace == app.trace and stored.computed_amount == Decimal("1703703.57")


@pytest.mark.clause("jx", "三(二)-2", level="built")
def test_pilot_national_and_provincial_gets_higher_not_sum(users, jiali):
    pilot = services.pilot_save(actor=SYSTEM, code="t-pilot", name="测试试点", field="industrial_internet", lead=jiali,
                                region_id="330402")
    for level in (Level.PROVINCIAL, Level.NATIONAL):
        services.recognition_add(actor=SYSTEM, pilot=pilot, level=level, recognised_on=dt.date(2021, 1, 1),
                                 document="t")
    provincial = IncentiveClause.objects.get(key="jx-5g-pilot-award-provincial")
    app = services.application_create(actor=users["enterprise"], enterprise=jiali, clause=provincial,
                                      project_title="测试试点", project_ref="pilot:t-pilot", year=2021, pilot=pilot)
    assert app.computed_amount == Decimal("1500000.00")
    assert app.clause.key == "jx-5g-pilot-award-national"  # moved to the award that applies
    with translation.override("en"):
        lines = trace_lines(app.trace)
    assert "Only the highest award of the group is paid: ¥500,000 not paid, ¥1,500,000 applies" in lines


@pytest.mark.clause("jx", "三(二)-2", level="built")
def test_provincial_only_pilot_gets_half_million(users, jiali):
    pilot = services.pilot_save(actor=SYSTEM, code="t-pilot-p", name="省级试点", field="vr", lead=jiali,
                                region_id="330402")
    services.recognition_add(actor=SYSTEM, pilot=pilot, level=Level.PROVINCIAL, recognised_on=dt.date(2021, 1, 1),
                             document="t")
    (app,) = [a for a in services.match_awards(actor=SYSTEM, on=dt.date(2021, 6, 1)) if a.pilot_id == pilot.pk]
    assert app.computed_amount == Decimal("500000.00") and app.state == "proposed" and app.track == "auto"
    assert not [a for a in services.match_awards(actor=SYSTEM, on=dt.date(2021, 6, 1)) if a.pilot_id == pilot.pk]


def test_new_clause_added_as_data_is_computed_without_code(users, jiali):
    """A clause row (as a YAML entry would load it) is applied by the same services."""
    clause = IncentiveClause.objects.create(
        document=PolicyDocument.objects.get(key__startswith="jiaxing"), key="t-standard-award",
        name="标准制定奖励（测试）", clause="测试", text="t", kind="formula",
        terms=[{"base": "standard_cost", "rate": "0.35"}], eligibility={"applicant": "enterprise"},
        cap=Decimal("100000.00"), rounding="half_up_yuan", payer=["市经信局"])
    app = services.application_create(actor=users["enterprise"], enterprise=jiali, clause=clause,
                                      project_title="团体标准", project_ref="t:std", year=2021,
                                      amounts={"standard_cost": "123456.78"})
    # 123,456.78 × 35% = 43,209.873 -> half up to the yuan
    assert app.unrounded_amount == Decimal("43209.873") and app.computed_amount == Decimal("43210")
    big = services.application_create(actor=users["enterprise"], enterprise=jiali, clause=clause,
                                      project_title="大标准", project_ref="t:std2", year=2021,
                                      amounts={"standard_cost": "1000000"})
    assert big.computed_amount == Decimal("100000")
    with translation.override("en"):
        assert "Cap per application ¥100,000: ¥350,000 becomes ¥100,000" in trace_lines(big.trace)


def test_float_and_bad_amounts_refused(users, jiali, upgrade):
    from django.core.exceptions import ValidationError

    for bad in ("12.345", "abc", "-1"):
        with pytest.raises(ValidationError) as err:
            services.application_create(actor=users["enterprise"], enterprise=jiali, clause=upgrade,
                                        project_title="x", project_ref="t:bad", year=2021,
                                        amounts={"equipment_investment": bad, "technology_it_investment": "0"})
        assert "equipment_investment" in str(err.value)
    with pytest.raises(ValidationError):
        services.application_create(actor=users["enterprise"], enterprise=jiali, clause=upgrade,
                                    project_title="x", project_ref="t:bad", year=2021,
                                    amounts={"equipment_investment": 1.5, "technology_it_investment": "0"})


def test_multi_valued_fact_meets_scalar_condition():
    ok, lines = engine.match_eligibility({"level": "national"}, {"level": ["provincial", "national"]})
    assert ok and "includes" in lines[0]
    ok, _ = engine.match_eligibility({"level": "city"}, {"level": ["provincial", "national"]})
    assert not ok
