"""The status rule engine against hand-made facts (no Django)."""

import datetime as dt

import pytest

from rollout5g.core.status_rules import (
    IndicatorProgress,
    MilestoneFact,
    Rule,
    TaskFacts,
    evaluate,
    prorated_target,
    rules_from_data,
)

TODAY = dt.date(2021, 6, 30)
RULES = rules_from_data([
    {"code": "closed", "colour": "green", "kind": "status_in", "params": {"statuses": ["closed"]}},
    {"code": "not-started", "colour": "grey", "kind": "not_started", "message": "not started"},
    {"code": "overdue", "colour": "red", "kind": "overdue", "message": "{deadline} passed {days_over} days ago"},
    {"code": "ms30", "colour": "red", "kind": "milestone_overdue", "params": {"grace_days": 30},
     "message": "{milestone} {days_over} days late"},
    {"code": "ind80", "colour": "red", "kind": "indicator_behind", "params": {"below": 0.8},
     "message": "{indicator} at {ratio_pct}%"},
    {"code": "ms", "colour": "amber", "kind": "milestone_overdue"},
    {"code": "near", "colour": "amber", "kind": "deadline_near", "params": {"working_days": 10},
     "message": "{working_days_left} working days"},
    {"code": "silent", "colour": "amber", "kind": "report_missing", "params": {"days": 45}},
])


def facts(**kw):
    base = {"today": TODAY, "status": "in_progress", "report_count": 1, "last_report": dt.date(2021, 6, 1)}
    return TaskFacts(**{**base, **kw})


def test_prorated_target_is_the_straight_line():
    # from 1000 on 2020-12-31 to 4000 on 2021-12-31 (365 days); on 2021-06-30, 181 days in:
    # 1000 + 3000 · 181/365 = 2487.671..., tolerance 1e-9
    v = prorated_target(baseline=1000, target=4000, start=dt.date(2020, 12, 31), due=dt.date(2021, 12, 31), on=TODAY)
    assert v == pytest.approx(1000 + 3000 * 181 / 365, abs=1e-9)
    assert prorated_target(baseline=0, target=10, start=TODAY, due=TODAY, on=TODAY) == 0  # not started yet
    assert prorated_target(baseline=0, target=10, start=dt.date(2021, 1, 1), due=dt.date(2021, 2, 1), on=TODAY) == 10


def test_first_rule_that_holds_decides_and_explains():
    v = evaluate(RULES, facts(deadline=dt.date(2021, 6, 20)))
    assert (v.colour, v.rule, v.message) == ("red", "overdue", "2021-06-20 passed 10 days ago")
    # closed wins over an overdue deadline (rule order)
    assert evaluate(RULES, facts(status="closed", deadline=dt.date(2021, 1, 1))).rule == "closed"
    assert evaluate(RULES, facts(status="assigned", report_count=0, last_report=None)).colour == "grey"
    # submitted for review: a passed deadline no longer counts against the unit
    assert evaluate(RULES, facts(status="submitted", deadline=dt.date(2021, 1, 1))).rule == "default"


def test_milestone_grace_separates_red_from_amber():
    late_31 = MilestoneFact("plan", dt.date(2021, 5, 30))  # 31 days late
    late_30 = MilestoneFact("plan", dt.date(2021, 5, 31))  # exactly 30 days late: not more than the grace
    v = evaluate(RULES, facts(milestones=[late_31]))
    assert (v.colour, v.rule, v.message) == ("red", "ms30", "plan 31 days late")
    assert evaluate(RULES, facts(milestones=[late_30])).rule == "ms"
    assert evaluate(RULES, facts(milestones=[MilestoneFact("plan", dt.date(2021, 5, 1), TODAY)])).rule == "default"


def test_indicator_against_time_prorated_target():
    # actual 1900 against the expected 2487.67 -> 76 % -> red; 2400 -> 96 % -> not red (no amber rule here)
    exp = 1000 + 3000 * 181 / 365
    v = evaluate(RULES, facts(indicators=[IndicatorProgress("bs", 1900, 4000, exp)]))
    assert (v.colour, v.message) == ("red", "bs at 76%")
    assert evaluate(RULES, facts(indicators=[IndicatorProgress("bs", 2400, 4000, exp)])).colour == "green"
    # lower is better: expected 20 days, actual 30 -> 67 % -> red
    assert evaluate(RULES, facts(indicators=[IndicatorProgress("days", 30, 20, 20, True)])).rule == "ind80"
    # no observation while something is expected counts as 0 %
    assert evaluate(RULES, facts(indicators=[IndicatorProgress("bs", None, 4000, exp)])).rule == "ind80"


def test_deadline_near_and_silence():
    assert evaluate(RULES, facts(deadline=dt.date(2021, 7, 9), working_days_left=7)).message == "7 working days"
    assert evaluate(RULES, facts(deadline=dt.date(2021, 9, 9), working_days_left=50)).rule == "default"
    # 2021-05-01 -> 2021-06-30 is 60 days > 45; 2021-05-16 is 45 days: not more than 45
    assert evaluate(RULES, facts(status="accepted", last_report=dt.date(2021, 5, 1))).rule == "silent"
    assert evaluate(RULES, facts(last_report=dt.date(2021, 5, 16))).rule == "default"
    assert evaluate(RULES, facts(status="submitted", last_report=None, report_count=0)).rule == "default"


def test_bad_rules_name_the_row():
    with pytest.raises(ValueError, match="status rule 2: rule x: unknown colour"):
        rules_from_data([{"code": "a", "colour": "red", "kind": "overdue"}, {"code": "x", "colour": "pink",
                                                                              "kind": "overdue"}])
    with pytest.raises(ValueError, match="missing field 'kind'"):
        rules_from_data([{"code": "a", "colour": "red"}])
    with pytest.raises(ValueError, match="unknown kind"):
        Rule("a", "red", "sometimes")
