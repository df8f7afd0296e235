"""The provincial task's roll-up from its cities, against hand-worked cases of each rule."""

import datetime as dt

import pytest

from rollout5g.core.cascade import CityFact, roll_up

TODAY = dt.date(2020, 9, 1)
BEFORE, AFTER = dt.date(2020, 8, 31), dt.date(2020, 9, 30)


def facts(*rows):
    return [CityFact(city, state, deadline) for city, state, deadline in rows]


def test_no_city_means_not_carried_down():
    result = roll_up([], TODAY)
    assert (result.status, result.rule, result.total) == (None, "not-carried-down", 0)


def test_every_city_closed_closes_the_task_even_past_the_deadline():
    result = roll_up(facts(("杭州", "closed", BEFORE), ("嘉兴", "closed", BEFORE)), TODAY)
    assert (result.status, result.rule, result.closed_share) == ("closed", "all-closed", 1.0)


def test_a_city_past_its_deadline_names_it_and_wins_over_progress():
    # 湖州 reported already, 嘉兴 accepted but its deadline (8-31) passed yesterday; 杭州's deadline is later
    result = roll_up(facts(("湖州", "reported", BEFORE), ("嘉兴", "accepted", BEFORE), ("杭州", "assigned", AFTER)),
                     TODAY)
    assert (result.status, result.rule) == ("in_progress", "cities-overdue")
    assert result.late == ("嘉兴",)  # 湖州 reported in time: it waits for the provincial review
    assert roll_up(facts(("湖州", "reported", BEFORE)), TODAY).rule == "all-reported"


def test_the_deadline_day_itself_is_not_late():
    assert roll_up(facts(("嘉兴", "accepted", TODAY)), TODAY).rule == "under-way"


def test_all_reported_awaits_the_provincial_review():
    result = roll_up(facts(("湖州", "reported", AFTER), ("嘉兴", "closed", BEFORE)), TODAY)
    assert (result.status, result.rule, result.counts["reported"], result.closed_share) == (
        "submitted", "all-reported", 1, 0.5)


def test_one_acceptance_puts_the_task_under_way_none_leaves_it_assigned():
    assert roll_up(facts(("湖州", "accepted", AFTER), ("嘉兴", "assigned", AFTER)), TODAY).rule == "under-way"
    result = roll_up(facts(("湖州", "assigned", AFTER), ("嘉兴", "assigned", None)), TODAY)
    assert (result.status, result.rule) == ("assigned", "awaiting-acceptance")


def test_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="unknown city sub-task state"):
        CityFact("嘉兴", "done")
