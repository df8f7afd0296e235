"""The working-day calendar used by every clock of the platform (approvals, cases, requests, tasks).

``working_calendar()`` builds a :class:`rollout5g.core.workdays.WorkdayCalendar` from the database; the years
come from the chinese-calendar package at first (``seed_from_chinese_calendar``) and an administrator adds each
new year from the State Council notice (``calendar_year_save``). Clocks whose due date fell in a year that was not
loaded are provisional; they become final the next time they are computed after the year is loaded.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

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
    state = CalendarYear.objects.aggregate(n=Count("pk"), stamp=Max("updated_at"))  # one query per call
    key = f"{state['n']}:{state['stamp']}"
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


def parse_day_lines(text_or_items, field: str, year: int) -> tuple[list[str], dict[str, str]]:
    """Dates from a State Council notice as typed by an administrator: one item per line or comma, each a date
    (``2027-10-01``) or an inclusive range (``2027-10-01..2027-10-07``, ``2027-10-01~2027-10-07`` or
    ``2027-10-01 至 2027-10-07``), optionally followed by the holiday's name (``2027-10-01..2027-10-07 国庆节``).

    Returns the sorted ISO dates and a name per date. Raises CalendarError naming the field, the line and the
    reason.
    """
    if isinstance(text_or_items, str):
        items = [part for line in text_or_items.splitlines() for part in line.split(",")]
    else:
        items = [str(item) for item in text_or_items]
    days, names = set(), {}
    for number, raw in enumerate(items, start=1):
        line = raw.strip().replace("～", "~").replace("至", "..").replace("~", "..").replace("—", "..")
        if not line:
            continue
        head, _, name = line.partition(" ")
        if ".." not in head and name.strip().startswith(".."):
            # "2027-10-01 .. 2027-10-07 name": a spaced range
            rest = name.strip()[2:].strip()
            second, _, name = rest.partition(" ")
            head = f"{head}..{second}"
        first_text, sep, last_text = head.partition("..")
        try:
            first = dt.date.fromisoformat(first_text.strip())
            last = dt.date.fromisoformat(last_text.strip()) if sep else first
        except ValueError:
            raise CalendarError(f"{field}, item {number}: {raw.strip()!r} is not a date or a range "
                                f"(YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)") from None
        if last < first:
            raise CalendarError(f"{field}, item {number}: the range ends ({last}) before it starts ({first})")
        if (last - first).days > 31:
            raise CalendarError(f"{field}, item {number}: a range of {(last - first).days + 1} days is not a "
                                f"holiday; check the dates")
        day = first
        while day <= last:
            if day.year != year:
                raise CalendarError(f"{field}, item {number}: {day} is not in {year}")
            days.add(day.isoformat())
            if name.strip():
                names[day.isoformat()] = name.strip()[:40]
            day += dt.timedelta(days=1)
    return sorted(days), names


def may_load_years(actor, *, refuse: bool = False) -> bool:
    """Whether ``actor`` may add or replace a year: the programme office, an administrator or a process (SYSTEM).
    (CalendarYear declares no access policy yet; this is its one rule, shared by the service and the page.)"""
    from rollout5g.platform.actors import is_system
    from rollout5g.platform.workflow import ActionRefused

    if actor is None:
        raise TypeError("an action needs its actor: a user, or rollout5g.platform.actors.SYSTEM for a process")
    ok = is_system(actor) or bool(actor.is_authenticated and (actor.is_superuser or actor.is_program_office))
    if refuse and not ok:
        raise ActionRefused(_("Only the programme office or an administrator loads a year's holidays."))
    return ok


def calendar_year_from_notice(actor, *, year, holidays, adjusted_workdays, source: str) -> CalendarYear:
    """Add or replace a year from the notice as typed (see :func:`parse_day_lines`); only the programme office and
    administrators may. Validated: dates in the year, adjusted working days on weekends, no day both off and
    worked, at least one day off."""
    may_load_years(actor, refuse=True)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise CalendarError(f"year: {year!r} is not a year") from None
    if not 2000 <= year <= 2100:
        raise CalendarError(f"year: {year} is outside 2000-2100")
    days_off, names = parse_day_lines(holidays, "holidays", year)
    worked, _names = parse_day_lines(adjusted_workdays, "adjusted_workdays", year)
    if not days_off:
        raise CalendarError("holidays: a notice always lists days off; none given")
    return calendar_year_save(actor, year=year, holidays=days_off, adjusted_workdays=worked, source=source,
                              names=names)


def due_date(received, days: int, pauses=()) -> dict:
    """The due date of a clock received on ``received`` with a limit of ``days`` working days and ``pauses``
    (inclusive (start, end) dates), with the years it had to guess."""
    from rollout5g.core.workdays import Clock, Pause

    clock = Clock(received_on=received, limit_days=days, pauses=tuple(Pause(a, b) for a, b in pauses))
    due = clock.due(working_calendar())
    return {"received": clock.received_on, "days": days, "due": due.date, "provisional": due.provisional,
            "unknown_years": list(due.unknown_years)}
