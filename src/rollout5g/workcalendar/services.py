"""The working-day calendar used by every clock of the platform (approvals, cases, requests, tasks).

``working_calendar()`` builds a :class:`rollout5g.core.workdays.WorkdayCalendar` from the database; the years
come from the chinese-calendar package at first (``seed_from_chinese_calendar``) and an administrator adds each
new year from the State Council notice (``calendar_year_save``). Clocks whose due date fell in a year that was not
loaded are provisional; they become final the next time they are computed after the year is loaded.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from rollout5g.audit.services import record_changes, snapshot
from rollout5g.core.workdays import (
    WorkdayCalendar,
    YearCalendar,
    calendar_from_chinese_calendar,
    chinese_calendar_years,
)

from .models import CalendarYear

_cache: dict[str, object] = {}


class CalendarError(ValueError):
    """A year's arrangement that cannot be saved; the message names the field and the reason."""


def _parse_dates(values, field: str, year: int) -> list[str]:
    out = []
    for raw in values:
        text = str(raw).strip()
        if not text:
            continue
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise CalendarError(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None
        if day.year != year:
            raise CalendarError(f"{field}: {text} is not in {year}")
        out.append(day.isoformat())
    return sorted(set(out))


def working_calendar() -> WorkdayCalendar:
    """The calendar of every loaded year (cached per process; invalidated when a year changes)."""
    stamp = CalendarYear.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    key = f"{CalendarYear.objects.count()}:{stamp}"
    if _cache.get("key") != key:
        years = [
            YearCalendar(
                year=row.year,
                holidays=frozenset(dt.date.fromisoformat(d) for d in row.holidays),
                adjusted_workdays=frozenset(dt.date.fromisoformat(d) for d in row.adjusted_workdays),
                source=row.source,
                names={dt.date.fromisoformat(k): v for k, v in (row.names or {}).items()},
            )
            for row in CalendarYear.objects.all()
        ]
        _cache.update(key=key, calendar=WorkdayCalendar(years))
    return _cache["calendar"]


@transaction.atomic
def calendar_year_save(actor, *, year: int, holidays, adjusted_workdays, source: str, names=None) -> CalendarYear:
    """Create or replace one year's arrangement (validated by the core calendar's rules); audited."""
    if not source or not source.strip():
        raise CalendarError("source: name the notice the dates come from (e.g. 国务院办公厅关于2027年部分节假日安排的通知)")
    days_off = _parse_dates(holidays, "holidays", year)
    worked = _parse_dates(adjusted_workdays, "adjusted_workdays", year)
    try:
        YearCalendar(year=year, holidays=frozenset(map(dt.date.fromisoformat, days_off)),
                     adjusted_workdays=frozenset(map(dt.date.fromisoformat, worked)), source=source)
    except ValueError as exc:
        raise CalendarError(str(exc)) from None
    row = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = snapshot(row) if row else None
    if row is None:
        row = CalendarYear(year=year)
    row.holidays, row.adjusted_workdays, row.source = days_off, worked, source.strip()
    row.names = {k: v for k, v in (names or {}).items() if k in days_off}
    row.save()
    record_changes(actor=actor, obj=row, before=before or {}, action="create" if before is None else "update",
                   system_label="system:calendar")
    return row


def seed_from_chinese_calendar(actor=None, years=None) -> int:
    """Load every year the chinese-calendar package covers that is not in the database yet; returns how many."""
    have = set(CalendarYear.objects.values_list("year", flat=True))
    wanted = [y for y in (years or chinese_calendar_years()) if y not in have]
    if not wanted:
        return 0
    cal = calendar_from_chinese_calendar(wanted)
    for y, yc in cal.years.items():
        calendar_year_save(actor, year=y, holidays=[d.isoformat() for d in yc.holidays],
                           adjusted_workdays=[d.isoformat() for d in yc.adjusted_workdays], source=yc.source,
                           names={d.isoformat(): n for d, n in yc.names.items()})
    return len(wanted)
