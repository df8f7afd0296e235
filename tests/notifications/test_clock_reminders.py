"""The one clock mechanism (rollout5g.platform.clocks) and its periodic check (rollout5g.notifications.jobs).

Hand-computed against the 2026 State Council arrangement: National Day 10-01..10-07 off, Saturday 10-10 worked.
Received Monday 2026-09-28 with 5 working days (day of receipt not counted): 09-29 (1), 09-30 (2), 10-08 (3),
10-09 (4), 10-10 (5) -> due 2026-10-10.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from rollout5g.core.workdays import Clock, calendar_from_chinese_calendar
from rollout5g.notifications.jobs import send_clock_reminders
from rollout5g.notifications.models import Notification
from rollout5g.platform import clocks
from rollout5g.platform.clocks import AgreedDate, ClockSpec, Recipients, Reminder, clock_state, reminders_due

D = dt.date
CALENDAR = calendar_from_chinese_calendar([2026])


def _spec(rows=(), *, is_open=lambda row: True, clock=None, to=None, name="test.clock"):
    return ClockSpec(
        name, rows=lambda: rows, calendar=lambda: CALENDAR, is_open=is_open,
        clock=clock or (lambda row: Clock(received_on=D(2026, 9, 28), limit_days=5, warn_days=1)),
        warn=Reminder("%(code)s due %(due)s, %(days_left)s left", to=to or (lambda row: Recipients())),
        overdue=Reminder("%(code)s overdue since %(due)s", to=to or (lambda row: Recipients())),
        params=lambda row, state: {"code": row.code})


@pytest.mark.parametrize(("today", "state", "left", "elapsed"), [
    (D(2026, 9, 30), "running", 3, 2),     # 10-08, 10-09, 10-10 left
    (D(2026, 10, 9), "due_soon", 1, 4),    # warn at 1 working day left
    (D(2026, 10, 10), "due_soon", 0, 5),   # the due day itself
    (D(2026, 10, 12), "overdue", -1, 5),   # Monday after the due Saturday
])
def test_clock_state_of_a_working_day_clock(today, state, left, elapsed):
    got = clock_state(_spec(), SimpleNamespace(pk=1, code="A"), today)
    assert (got.state, got.due, got.days_left, got.elapsed, got.provisional) == (state, D(2026, 10, 10), left,
                                                                                  elapsed, False)


def test_stopped_clock_keeps_its_due_date():
    got = clock_state(_spec(is_open=lambda row: False), SimpleNamespace(pk=1, code="A"), D(2026, 10, 12))
    assert (got.state, got.due, got.days_left) == ("stopped", D(2026, 10, 10), None)


def test_agreed_date_warns_by_working_days():
    spec = _spec(clock=lambda row: AgreedDate(D(2026, 10, 10), warn_days=1))
    row = SimpleNamespace(pk=1, code="A")
    assert clock_state(spec, row, D(2026, 9, 30)).state == "running"
    assert clock_state(spec, row, D(2026, 10, 9)).days_left == 1
    assert clock_state(spec, row, D(2026, 10, 9)).state == "due_soon"
    assert clock_state(spec, row, D(2026, 10, 11)).state == "overdue"


def test_a_year_not_loaded_is_provisional():
    spec = _spec(clock=lambda row: Clock(received_on=D(2026, 12, 28), limit_days=10))
    got = clock_state(spec, SimpleNamespace(pk=1, code="A"), D(2026, 12, 29))
    assert got.provisional and 2027 in got.unknown_years


def test_reminders_due_render_the_message_and_the_default_key(monkeypatch):
    monkeypatch.setattr(clocks, "_SPECS", {})
    rows = [SimpleNamespace(pk=7, code="A")]
    clocks.declare(_spec(rows))
    [due] = reminders_due(D(2026, 10, 9))
    assert (due.subject, due.key, due.level) == ("A due 2026-10-10, 1 left", "test.clock:7:due_soon:2026-10-10",
                                                 "warning")
    [due] = reminders_due(D(2026, 10, 12))
    assert (due.subject, due.level) == ("A overdue since 2026-10-10", "overdue")
    assert reminders_due(D(2026, 9, 30)) == []
    assert reminders_due(D(2026, 10, 12), names=["other"]) == []


def test_the_periodic_check_sends_each_reminder_once(monkeypatch, users):
    monkeypatch.setattr(clocks, "_SPECS", {})
    clocks.declare(_spec([SimpleNamespace(pk=7, code="A")], to=lambda row: Recipients(users=[users["office"]])))
    assert send_clock_reminders(D(2026, 10, 9)) == {"due_soon": 1, "overdue": 0, "sent": 1}
    assert send_clock_reminders(D(2026, 10, 9))["sent"] == 0  # idempotent: the key names the due date
    assert send_clock_reminders(D(2026, 10, 12))["sent"] == 1  # the escalation is another message
    notes = Notification.objects.filter(recipient=users["office"], key__startswith="test.clock:7:")
    assert sorted(notes.values_list("level", flat=True)) == ["overdue", "warning"]


def test_every_app_declares_its_clocks():
    assert {"cases.power", "cases.relocation", "cases.incident", "resources.request", "permits.item.legal",
            "permits.item.promised", "incentives.notice"} <= set(clocks.declared())


def test_a_reminder_is_stored_as_its_message_key_and_read_in_the_readers_language(monkeypatch, users):
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    from rollout5g.notifications.messages import render_message

    key = "%(code)s: design review due %(due)s%(provisional)s, %(days_left)s working day(s) left"  # in the catalogue
    monkeypatch.setattr(clocks, "_SPECS", {})
    spec = _spec([SimpleNamespace(pk=8, code="B")], to=lambda row: Recipients(users=[users["office"]]))
    clocks.declare(ClockSpec(**{**spec.__dict__, "warn": Reminder(gettext_lazy(key), to=spec.warn.to)}))
    with translation.override("en"):
        assert send_clock_reminders(D(2026, 10, 9))["sent"] == 1
    note = Notification.objects.get(recipient=users["office"], key__startswith="test.clock:8:")
    assert note.message == key and note.params["due"] == {"$date": "2026-10-10"} and note.params["days_left"] == 1
    with translation.override("zh-hans"):
        chinese = note.subject_text
        assert chinese == render_message(key, note.params) and "2026年10月10日" in chinese
    with translation.override("en"):
        assert note.subject_text == "B: design review due 10 Oct 2026, 1 working day(s) left"
