"""Working-day clocks against the 2026 holiday arrangement.

Reference: 国务院办公厅关于2026年部分节假日安排的通知 (State Council General Office notice on the
2026 holiday arrangement, published November 2025), as reproduced by chinese-calendar 1.11.0:
  元旦 1 Jan-3 Jan off, Sun 4 Jan worked;
  春节 15 Feb-23 Feb off, Sat 14 Feb and Sat 28 Feb worked;
  清明节 4-6 Apr off; 劳动节 1-5 May off, Sat 9 May worked; 端午节 19-21 Jun off;
  中秋节 25-27 Sep off, Sun 20 Sep worked;
  国庆节 1 Oct-7 Oct off, Sat 10 Oct worked (调休上班).
Every date here is exact: tolerance 0 days.
"""

import datetime as dt

import pytest

from rollout5g.core import workdays as wd

D = dt.date


@pytest.fixture(scope="module")
def cal():
    return wd.calendar_from_chinese_calendar([2025, 2026])


def test_package_data_matches_2026_notice(cal):
    y = cal.years[2026]
    national_day = {D(2026, 10, i) for i in range(1, 8)}
    assert national_day <= y.holidays
    assert {D(2026, 9, 20), D(2026, 10, 10)} <= y.adjusted_workdays
    assert {D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 1, 4)} <= y.adjusted_workdays
    assert y.source.startswith("chinese-calendar")
    assert y.names[D(2026, 10, 1)] == "National Day"


def test_is_working_day_rules(cal):
    assert not cal.is_working_day(D(2026, 10, 1))  # Thursday, National Day
    assert cal.is_working_day(D(2026, 10, 10))  # Saturday worked (调休上班)
    assert not cal.is_working_day(D(2026, 10, 11))  # ordinary Sunday
    assert cal.is_working_day(D(2026, 9, 29))  # ordinary Tuesday
    ans = cal.is_working_day(D(2026, 10, 10))
    assert ans.provisional is False and "调休" in ans.reason


def test_received_2026_09_28_five_working_days(cal):
    # Received Mon 28 Sep 2026 (not counted). Counted: Tue 29 Sep (1), Wed 30 Sep (2),
    # 1-7 Oct National Day off, Thu 8 Oct (3), Fri 9 Oct (4), Sat 10 Oct worked (5).
    due = cal.add_working_days(D(2026, 9, 28), 5)
    assert due == wd.DueDate(D(2026, 10, 10), False, ())
    # weekday-only counting would wrongly give Mon 5 Oct: the calendar matters
    assert wd.WorkdayCalendar().add_working_days(D(2026, 9, 28), 5).date == D(2026, 10, 5)


def test_day_of_receipt_not_counted(cal):
    # Received Tue 1 Sep 2026 (a working day): 1 working day -> Wed 2 Sep, not Tue 1 Sep.
    assert cal.add_working_days(D(2026, 9, 1), 1).date == D(2026, 9, 2)
    assert cal.working_days_between(D(2026, 9, 1), D(2026, 9, 1)).days == 0
    assert cal.working_days_between(D(2026, 9, 1), D(2026, 9, 2)).days == 1
    assert cal.add_working_days(D(2026, 9, 1), 0).date == D(2026, 9, 1)


def test_receipt_on_a_holiday(cal):
    # Received Sat 3 Oct 2026 (National Day). First counted day is the next working day, Thu 8 Oct:
    # 8 Oct (1), 9 Oct (2), Sat 10 Oct worked (3), Mon 12 Oct (4), Tue 13 Oct (5).
    assert cal.add_working_days(D(2026, 10, 3), 5).date == D(2026, 10, 13)
    # Received on 1 Oct: same first counted day, same due date.
    assert cal.add_working_days(D(2026, 10, 1), 1).date == D(2026, 10, 8)


def test_pause_of_three_working_days_moves_due_by_three(cal):
    # Received Mon 7 Sep 2026, limit 10: Tue 8 Sep ... counted 8,9,10,11,14,15,16,17,18 Sep and
    # Sun 20 Sep worked (调休) -> due 20 Sep 2026 without a pause.
    base = cal.add_working_days(D(2026, 9, 7), 10)
    assert base.date == D(2026, 9, 20)
    # Joint survey pause Wed 9 Sep - Fri 11 Sep = 3 working days -> 3 working days later:
    # Mon 21, Tue 22, Wed 23 Sep.
    paused = cal.add_working_days(D(2026, 9, 7), 10, pauses=[(D(2026, 9, 9), D(2026, 9, 11))])
    assert paused.date == D(2026, 9, 23)
    assert cal.working_days_between(base.date, paused.date).days == 3
    # A pause over a weekend only (Sat 12 - Sun 13 Sep) moves nothing.
    assert cal.add_working_days(D(2026, 9, 7), 10, pauses=[wd.Pause(D(2026, 9, 12), D(2026, 9, 13))]) == base


def test_pause_across_national_day(cal):
    # Pause Wed 30 Sep - Fri 9 Oct holds 30 Sep, 8 Oct, 9 Oct = 3 working days.
    # Received 28 Sep, limit 5: counted 29 Sep (1), Sat 10 Oct (2), 12 (3), 13 (4), 14 Oct (5).
    due = cal.add_working_days(D(2026, 9, 28), 5, pauses=[(D(2026, 9, 30), D(2026, 10, 9))])
    assert due.date == D(2026, 10, 14)
    assert cal.working_days_between(D(2026, 10, 10), D(2026, 10, 14)).days == 3


def test_2027_provisional_until_loaded(cal):
    # Received Mon 28 Dec 2026, limit 5: 29, 30, 31 Dec counted; 2027 not loaded, so
    # Fri 1 Jan 2027 is guessed a working day (4) and Mon 4 Jan (5).
    due = cal.add_working_days(D(2026, 12, 28), 5)
    assert due.date == D(2027, 1, 4)
    assert due.provisional and due.unknown_years == (2027,)
    assert cal.is_working_day(D(2027, 1, 1)).provisional
    # Once the 2027 arrangement is loaded (here a test fixture: 1 Jan off), the due date is
    # recomputed: 29, 30, 31 Dec, Mon 4 Jan (4), Tue 5 Jan (5), no longer provisional.
    y2027 = wd.YearCalendar(2027, frozenset({D(2027, 1, 1)}), source="test fixture, not the real notice")
    cal27 = cal.with_year(y2027)
    due27 = cal27.add_working_days(D(2026, 12, 28), 5)
    assert due27 == wd.DueDate(D(2027, 1, 5), False, ())
    # the original calendar is not mutated
    assert cal.add_working_days(D(2026, 12, 28), 5).provisional


def test_within_loaded_year_not_provisional(cal):
    assert not cal.add_working_days(D(2026, 1, 5), 20).provisional


def test_extensions_add_working_days(cal):
    clock = wd.Clock(D(2026, 9, 28), 5, extensions=(wd.Extension(3, "expert review", "director"),))
    # 8 working days after 28 Sep: 29, 30 Sep, 8, 9, 10, 12, 13, 14 Oct
    assert clock.due(cal).date == D(2026, 10, 14)
    with pytest.raises(ValueError):
        wd.Extension(0)


def test_clock_status(cal):
    clock = wd.Clock(D(2026, 9, 28), 5, warn_days=2)
    s = clock.status(cal, D(2026, 9, 29))
    assert (s.state, s.days_left, s.elapsed) == ("running", 4, 1)
    s = clock.status(cal, D(2026, 10, 8))  # counted 29, 30 Sep, 8 Oct; left 9, 10 Oct
    assert (s.state, s.days_left, s.elapsed) == ("due_soon", 2, 3)
    s = clock.status(cal, D(2026, 10, 10))
    assert (s.state, s.days_left) == ("due_soon", 0)
    s = clock.status(cal, D(2026, 10, 13))  # 12 and 13 Oct past the due date
    assert (s.state, s.days_left) == ("overdue", -2)


def test_clock_open_pause(cal):
    # Waiting for the applicant since Wed 30 Sep, still open on Fri 9 Oct:
    # paused; due date closes the pause at "today" -> 30 Sep, 8, 9 Oct not counted.
    clock = wd.Clock(D(2026, 9, 28), 5, pauses=(wd.Pause(D(2026, 9, 30), None, "waiting for applicant"),))
    s = clock.status(cal, D(2026, 10, 9))
    assert s.state == "paused"
    assert s.due.date == D(2026, 10, 14)
    with pytest.raises(ValueError, match="open"):
        clock.due(cal)


def test_remaining_and_between_signs(cal):
    assert cal.remaining(D(2026, 10, 10), D(2026, 9, 28)).days == 5
    assert cal.working_days_between(D(2026, 10, 10), D(2026, 9, 28)).days == -5


def test_bad_inputs(cal):
    with pytest.raises(ValueError, match="weekdays"):
        wd.YearCalendar(2026, frozenset(), frozenset({D(2026, 10, 9)}), source="x")  # a Friday
    with pytest.raises(ValueError, match="outside"):
        wd.YearCalendar(2026, frozenset({D(2025, 10, 1)}), source="x")
    with pytest.raises(ValueError, match="source"):
        wd.YearCalendar(2026, frozenset())
    with pytest.raises(ValueError, match="covers"):
        wd.calendar_from_chinese_calendar([2099])
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 9, 28), -1)
    with pytest.raises(ValueError):
        wd.Pause(D(2026, 10, 2), D(2026, 10, 1))
