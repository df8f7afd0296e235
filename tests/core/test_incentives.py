"""Incentive clauses of Jiaxing 《关于加快5G产业发展的实施意见》(2019) 三(二), as plain data.

Seed text: "对于企业利用5G技术进行智能化改造的，给予实际设备投资额10%以及技术、信息化投入20%的补助。
经认定的国家级、省级5G应用试点示范项目，分别给予150万元、50万元的奖励。经认定的省级、市级5G特色产业园，
分别给予200万元、100万元的奖励。"

All amounts are exact Decimals: every equality below has tolerance 0 (to the last digit).
"""

import datetime as dt
from decimal import Decimal

import pytest

from rollout5g.core import incentives as inc

CLAUSES_DATA = [
    {
        "code": "jx-smart-upgrade",
        "kind": "formula",
        "title": "5G smart-upgrade subsidy",
        "source": "Jiaxing 2019 三(二) para 2",
        "terms": [
            {"base": "equipment_investment", "rate": "10%", "label": "设备投资"},
            {"base": "it_investment", "rate": "0.20", "label": "技术、信息化投入"},
        ],
        "eligibility": {"uses_5g": True},
        "valid_from": "2019-01-01",
        "valid_to": "2025-12-31",
    },
    {
        "code": "jx-pilot-national",
        "kind": "fixed_award",
        "amount": "1500000",
        "eligibility": {"pilot_levels": {"contains": "national"}},
        "exclusive_group": "pilot",
    },
    {
        "code": "jx-pilot-provincial",
        "kind": "fixed_award",
        "amount": "500,000",
        "eligibility": {"pilot_levels": {"contains": "provincial"}},
        "exclusive_group": "pilot",
    },
    {
        "code": "jx-park-provincial",
        "kind": "fixed_award",
        "amount": Decimal("2000000"),
        "eligibility": {"park_level": ["provincial"]},
        "exclusive_group": "park",
    },
    {
        "code": "jx-park-city",
        "kind": "fixed_award",
        "amount": 1000000,
        "eligibility": {"park_level": {"in": ["city", "provincial"]}},
        "exclusive_group": "park",
    },
]

ON = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def clauses():
    return [inc.clause_from_dict(d) for d in CLAUSES_DATA]


def by_code(clauses, code):
    return next(c for c in clauses if c.code == code)


def test_smart_upgrade_issue_example(clauses):
    facts = {"uses_5g": True, "equipment_investment": Decimal("12345678.91"), "it_investment": "2,345,678.37"}
    award = inc.evaluate_clause(by_code(clauses, "jx-smart-upgrade"), facts)
    # 12,345,678.91 × 0.10 = 1,234,567.891 ; 2,345,678.37 × 0.20 = 469,135.674
    # sum 1,703,703.565 -> half up to the fen 1,703,703.57
    assert award.unrounded == Decimal("1703703.565")
    assert award.amount == Decimal("1703703.57")
    assert str(award.amount) == "1703703.57"
    assert award.eligible
    text = "\n".join(award.trace)
    assert "12,345,678.91 × 10% = 1,234,567.891" in text
    assert "2,345,678.37 × 20% = 469,135.674" in text
    assert "1,703,703.565" in text and "1,703,703.57 CNY" in text


def test_rounding_modes():
    x = Decimal("1703703.565")
    assert inc.round_amount(x) == Decimal("1703703.57")
    assert inc.round_amount(x, "down_fen") == Decimal("1703703.56")
    assert inc.round_amount(x, "half_up_yuan") == Decimal("1703704")
    assert inc.round_amount(Decimal("0.005")) == Decimal("0.01")  # half up, not banker's
    assert inc.round_amount(Decimal("0.025")) == Decimal("0.03")
    with pytest.raises(ValueError, match="half_up_fen"):
        inc.round_amount(x, "bankers")


def test_pilot_national_and_provincial_gets_higher_not_sum(clauses):
    res = inc.evaluate_project(clauses, {"pilot_levels": ["national", "provincial"]}, ON)
    assert res.total == Decimal("1500000")
    assert [a.clause_code for a in res.awards] == ["jx-pilot-national"]
    reasons = dict(res.excluded)
    assert "jx-pilot-national" in reasons["jx-pilot-provincial"]
    assert "highest" in reasons["jx-pilot-provincial"]


def test_pilot_sum_policy_when_clause_data_says_so(clauses):
    summed = [
        inc.clause_from_dict({**d, "exclusive_policy": "sum"})
        for d in CLAUSES_DATA
        if d["code"].startswith("jx-pilot")
    ]
    res = inc.evaluate_project(summed, {"pilot_levels": ["national", "provincial"]}, ON)
    assert res.total == Decimal("2000000")


@pytest.mark.parametrize(
    "level,expected",
    [("provincial", Decimal("2000000")), ("city", Decimal("1000000")), ("county", Decimal("0"))],
)
def test_park_awards(clauses, level, expected):
    res = inc.evaluate_project(clauses, {"park_level": level}, ON)
    assert res.total == expected


def test_clause_outside_validity_not_applied(clauses):
    facts = {"uses_5g": True, "equipment_investment": 1000000, "it_investment": 0}
    inside = inc.evaluate_project(clauses, facts, dt.date(2025, 12, 31))
    assert inside.total == Decimal("100000.00")  # 1,000,000 × 10%
    outside = inc.evaluate_project(clauses, facts, dt.date(2026, 1, 1))
    assert outside.total == 0
    assert "not valid on 2026-01-01" in dict(outside.excluded)["jx-smart-upgrade"]


def test_ineligible_and_missing_facts(clauses):
    c = by_code(clauses, "jx-smart-upgrade")
    a = inc.evaluate_clause(c, {"uses_5g": False, "equipment_investment": 10, "it_investment": 10})
    assert not a.eligible and a.amount == 0
    a = inc.evaluate_clause(c, {"uses_5g": True, "equipment_investment": 10})
    assert not a.eligible and any("it_investment" in line for line in a.trace)


def test_cap_per_application():
    c = inc.Clause(
        "capped", "formula", terms=(inc.Term("equipment_investment", "10%"),), cap=Decimal("1000000")
    )
    a = inc.evaluate_clause(c, {"equipment_investment": Decimal("12345678.91")})
    assert a.unrounded == Decimal("1234567.891")
    assert a.amount == Decimal("1000000.00") and a.capped
    b = inc.evaluate_clause(c, {"equipment_investment": Decimal("5000000")})
    assert b.amount == Decimal("500000.00") and not b.capped


def test_floats_refused(clauses):
    c = by_code(clauses, "jx-smart-upgrade")
    with pytest.raises(TypeError):
        inc.evaluate_clause(c, {"uses_5g": True, "equipment_investment": 12345678.91, "it_investment": 1})
    with pytest.raises(TypeError):
        inc.Term("x", 0.1)
    with pytest.raises(TypeError):
        inc.Clause("f", "fixed_award", amount=1500000.0)
    with pytest.raises(TypeError):
        inc.CapRequest("c", "e", "k", 2024, 1.0)
    with pytest.raises(TypeError):
        inc.apply_caps([], enterprise_year_cap=1e6)


def test_bad_clause_data():
    with pytest.raises(ValueError, match="fixed_award"):
        inc.Clause("x", "lump")
    with pytest.raises(ValueError, match="unknown clause field"):
        inc.clause_from_dict({"code": "x", "kind": "fixed_award", "amount": 1, "ammount": 2})
    with pytest.raises(ValueError, match="gte"):
        inc.Clause("x", "fixed_award", amount=1, eligibility={"n": {"greater": 3}})


def test_eligibility_operators():
    c = inc.Clause("x", "fixed_award", amount=100, eligibility={"employees": {"gte": 50, "lt": "500"}})
    assert inc.evaluate_clause(c, {"employees": 50}).eligible
    assert not inc.evaluate_clause(c, {"employees": 49}).eligible
    assert not inc.evaluate_clause(c, {"employees": 500}).eligible
    assert not inc.evaluate_clause(c, {}).eligible


def _inv(seller, number):
    return inc.Invoice(seller, number)


def test_duplicate_invoice_stopped_and_names_earlier_claim():
    earlier = [
        inc.Claim(
            "SU-2023-007", "ent-1", "jx-smart-upgrade", 2023, "P-1", (_inv("91330400MA2B", "04412345"),)
        ),
        inc.Claim(
            "SU-2023-010", "ent-2", "jx-smart-upgrade", 2023, "P-2", (_inv("91330400MA2B", "04499999"),)
        ),
        inc.Claim(
            "SU-2023-011", "ent-1", "jx-smart-upgrade", 2023, "P-3", (_inv("X", "1"),), status="rejected"
        ),
    ]
    # reused invoice (spaces and case differ), different clause and year
    new = inc.Claim("PL-2024-002", "ent-1", "other-clause", 2024, "P-9", (_inv("91330400ma2b", "0441 2345"),))
    found = inc.find_duplicate_claims(new, earlier)
    assert len(found) == 1
    assert found[0].kind == "invoice" and found[0].earlier_claim_id == "SU-2023-007"
    assert "SU-2023-007" in found[0].message
    # the same number from another seller is another invoice
    other = inc.Claim("N", "ent-1", "c", 2024, None, (_inv("OTHER", "04412345"),))
    assert inc.find_duplicate_claims(other, earlier) == []
    # a rejected earlier claim does not block
    again = inc.Claim("N2", "ent-1", "c", 2024, None, (_inv("X", "1"),))
    assert inc.find_duplicate_claims(again, earlier) == []


def test_duplicate_project_across_years():
    earlier = [inc.Claim("A-1", "ent-1", "jx-pilot-national", 2022, "PILOT-77")]
    found = inc.find_duplicate_claims(
        inc.Claim("A-2", "ent-1", "jx-pilot-provincial", 2024, "pilot-77"), earlier
    )
    assert [(f.kind, f.earlier_claim_id, f.earlier_year) for f in found] == [("project", "A-1", 2022)]


def test_apply_caps_per_clause_and_enterprise_year():
    reqs = [
        inc.CapRequest("r1", "ent-1", "jx-smart-upgrade", 2024, Decimal("3000000")),
        inc.CapRequest("r2", "ent-1", "jx-park-city", 2024, Decimal("1000000")),
        inc.CapRequest("r3", "ent-1", "jx-smart-upgrade", 2025, Decimal("1200000.50")),
        inc.CapRequest("r4", "ent-2", "jx-smart-upgrade", 2024, Decimal("800000")),
    ]
    prior = [inc.CapRequest("p0", "ent-1", "jx-pilot-national", 2024, Decimal("1500000"))]
    res = inc.apply_caps(
        reqs,
        clause_caps={"jx-smart-upgrade": Decimal("2000000")},
        enterprise_year_cap=Decimal("3000000"),
        granted_before=prior,
    )
    g = {r.claim_id: r for r in res}
    # r1: clause cap 2,000,000, then enterprise 2024 room 3,000,000 - 1,500,000 = 1,500,000
    assert g["r1"].granted == Decimal("1500000") and g["r1"].capped_by == ("clause", "enterprise_year")
    # r2: nothing left for ent-1 in 2024
    assert g["r2"].granted == 0 and g["r2"].capped_by == ("enterprise_year",)
    # r3: another year, under both caps
    assert g["r3"].granted == Decimal("1200000.50") and g["r3"].capped_by == ()
    # r4: another enterprise
    assert g["r4"].granted == Decimal("800000")
    # yearly per-clause cap
    res2 = inc.apply_caps(reqs[:1] * 2, clause_year_caps={"jx-smart-upgrade": Decimal("4000000")})
    assert [r.granted for r in res2] == [Decimal("3000000"), Decimal("1000000")]


def test_format_cny():
    assert inc.format_cny(Decimal("1234567.8910")) == "1,234,567.891"
    assert inc.format_cny(Decimal("1.5E+6")) == "1,500,000"
    assert inc.format_cny(Decimal("1703703.57"), places=2) == "1,703,703.57"
    assert inc.format_cny(Decimal("-1234.5")) == "-1,234.5"
