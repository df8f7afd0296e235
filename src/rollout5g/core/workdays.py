"""Chinese statutory working days and the clocks of administrative licensing.

Periods of administrative licensing are counted in working days (工作日), excluding statutory
holidays (中华人民共和国行政许可法 第八十二条: "本法规定的行政机关实施行政许可的期限以工作日计算，
不含法定节假日"). The day of receipt is not counted (中华人民共和国民法典 第二百零一条: "按照年、月、日
计算期间的，开始的当日不计入，自下一日开始计算"); the first counted day is therefore the first working
day after the day of receipt, and the due date is the n-th working day after it.

Working days depend on each year's State Council notice on the holiday arrangement (国务院办公厅关于
某年部分节假日安排的通知), which lists the days off and the weekend days worked in exchange (调休上班).
The calendar is therefore *data* (:class:`WorkdayCalendar`) built from :class:`YearCalendar` objects
with their source, never a global. :func:`calendar_from_chinese_calendar` builds them from the
``chinese_calendar`` package (it holds 2004 to 2026 in version 1.11.0).

A date in a year that is not loaded is judged by weekday alone (Monday to Friday work) as a best
guess, and every result that relied on such a guess is flagged ``provisional`` with the years that
were unknown, so that the caller can recompute once the year's notice is loaded.

No Django here: plain functions and small frozen dataclasses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "YearCalendar",
    "WorkdayCalendar",
    "WorkingDay",
    "DueDate",
    "DayCount",
    "Pause",
    "Extension",
    "Clock",
    "ClockStatus",
    "calendar_from_chinese_calendar",
    "chinese_calendar_years",
    "CLOCK_STATES",
]

#: States reported by :meth:`Clock.status`.
CLOCK_STATES = ("running", "paused", "due_soon", "overdue")

# A guard against runaway loops (a pause that never ends, a limit of millions of days).
_MAX_SCAN_DAYS = 366 * 30


def _as_date(value, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{name}: {value!r} is not an ISO date (YYYY-MM-DD)") from exc
    raise TypeError(f"{name} must be a date or an ISO date string, not {type(value).__name__}")


@dataclass(frozen=True)
class YearCalendar:
    """The confirmed holiday arrangement of one year.

    Parameters
    ----------
    year : int
        Calendar year.
    holidays : frozenset of datetime.date
        Days off under the notice (法定节假日 and the days around them given as rest); days that
        fall on a weekend may be listed too, it changes nothing.
    adjusted_workdays : frozenset of datetime.date
        Saturdays or Sundays that are working days (调休上班).
    source : str
        Where the dates come from, e.g. ``"国务院办公厅关于2026年部分节假日安排的通知"`` or
        ``"chinese-calendar 1.11.0"``.
    names : mapping of datetime.date to str, optional
        Name of the holiday for each day off (e.g. ``"National Day"``), for display.
    """

    year: int
    holidays: frozenset[dt.date]
    adjusted_workdays: frozenset[dt.date] = frozenset()
    source: str = ""
    names: Mapping[dt.date, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "holidays", frozenset(_as_date(d, "holidays") for d in self.holidays))
        object.__setattr__(
            self,
            "adjusted_workdays",
            frozenset(_as_date(d, "adjusted_workdays") for d in self.adjusted_workdays),
        )
        if not isinstance(self.year, int) or isinstance(self.year, bool):
            raise TypeError("year must be an int")
        wrong = sorted(d for d in self.holidays | self.adjusted_workdays if d.year != self.year)
        if wrong:
            raise ValueError(f"dates outside {self.year}: {[d.isoformat() for d in wrong]}")
        both = sorted(self.holidays & self.adjusted_workdays)
        if both:
            raise ValueError(f"dates both off and worked: {[d.isoformat() for d in both]}")
        weekdays = sorted(d for d in self.adjusted_workdays if d.weekday() < 5)
        if weekdays:
            raise ValueError(
                "adjusted working days (调休上班) must be Saturdays or Sundays; "
                f"these are weekdays: {[d.isoformat() for d in weekdays]}"
            )
        if not self.source:
            raise ValueError(f"YearCalendar {self.year}: a source (notice or package) is required")


@dataclass(frozen=True)
class WorkingDay:
    """Answer of :meth:`WorkdayCalendar.is_working_day`; truthy when the day is a working day.

    ``provisional`` is True when the year of the day is not loaded and the answer is the
    weekday-only guess.
    """

    date: dt.date
    working: bool
    provisional: bool
    reason: str

    def __bool__(self) -> bool:
        return self.working


@dataclass(frozen=True)
class DueDate:
    """A due date [date], flagged ``provisional`` if it depends on a year that is not loaded."""

    date: dt.date
    provisional: bool = False
    unknown_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class DayCount:
    """A number of counted working days [working day], flagged like :class:`DueDate`."""

    days: int
    provisional: bool = False
    unknown_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Pause:
    """An inclusive date range during which a clock does not run.

    ``end=None`` means the pause is still open (e.g. waiting for the applicant); functions that
    need its end take an ``as_of`` date and treat the pause as lasting up to that day.
    """

    start: dt.date
    end: dt.date | None = None
    reason: str = ""

    def __post_init__(self):
        object.__setattr__(self, "start", _as_date(self.start, "pause start"))
        if self.end is not None:
            object.__setattr__(self, "end", _as_date(self.end, "pause end"))
            if self.end < self.start:
                raise ValueError(f"pause ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class Extension:
    """A recorded extension of a clock by ``days`` working days, with reason and approver."""

    days: int
    reason: str = ""
    approved_by: str = ""
    approved_on: dt.date | None = None

    def __post_init__(self):
        if not isinstance(self.days, int) or isinstance(self.days, bool) or self.days <= 0:
            raise ValueError(f"extension days must be a positive int, got {self.days!r}")


def _normalise_pauses(pauses, as_of: dt.date | None) -> list[tuple[dt.date, dt.date]]:
    out = []
    for p in pauses or ():
        if isinstance(p, Pause):
            start, end = p.start, p.end
        else:
            start, end = p
            start = _as_date(start, "pause start")
            end = None if end is None else _as_date(end, "pause end")
        if end is None:
            if as_of is None:
                raise ValueError(f"pause from {start} is open (no end): pass as_of to close it")
            end = max(as_of, start)
        if end < start:
            raise ValueError(f"pause ends ({end}) before it starts ({start})")
        out.append((start, end))
    return sorted(out)


def _in_pause(d: dt.date, pauses: Sequence[tuple[dt.date, dt.date]]) -> bool:
    return any(s <= d <= e for s, e in pauses)


class WorkdayCalendar:
    """Working days of the years whose holiday arrangement is loaded.

    Parameters
    ----------
    years : mapping of int to YearCalendar
        The confirmed years. A year missing here is judged by weekday only, and results that
        depend on it are provisional.

    Examples
    --------
    >>> cal = calendar_from_chinese_calendar([2026])
    >>> cal.add_working_days(dt.date(2026, 9, 28), 5).date
    datetime.date(2026, 10, 10)
    """

    def __init__(self, years: Mapping[int, YearCalendar] | Iterable[YearCalendar] = ()):
        if isinstance(years, Mapping):
            items = dict(years)
        else:
            items = {y.year: y for y in years}
        for key, yc in items.items():
            if not isinstance(yc, YearCalendar):
                raise TypeError(f"years[{key}] must be a YearCalendar, not {type(yc).__name__}")
            if key != yc.year:
                raise ValueError(f"years[{key}] holds the calendar of {yc.year}")
        self._years: dict[int, YearCalendar] = items

    @property
    def years(self) -> dict[int, YearCalendar]:
        """The loaded years (a copy)."""
        return dict(self._years)

    def with_year(self, year_calendar: YearCalendar) -> WorkdayCalendar:
        """Return a new calendar with ``year_calendar`` added (or replacing the same year)."""
        years = dict(self._years)
        years[year_calendar.year] = year_calendar
        return WorkdayCalendar(years)

    def is_loaded(self, year: int) -> bool:
        return year in self._years

    def is_working_day(self, d) -> WorkingDay:
        """Whether ``d`` is a working day; truthy/falsy, with ``provisional`` and ``reason``.

        Order of the rules: an adjusted working day (调休上班) works; a listed holiday is off;
        otherwise Monday to Friday work. For a year not loaded only the last rule applies and the
        answer is provisional.
        """
        d = _as_date(d, "date")
        yc = self._years.get(d.year)
        if yc is None:
            working = d.weekday() < 5
            return WorkingDay(d, working, True, f"{d.year} not loaded: weekday-only guess")
        if d in yc.adjusted_workdays:
            return WorkingDay(d, True, False, f"adjusted working day (调休上班), {yc.source}")
        if d in yc.holidays:
            name = yc.names.get(d, "holiday")
            return WorkingDay(d, False, False, f"{name}, {yc.source}")
        if d.weekday() >= 5:
            return WorkingDay(d, False, False, "weekend")
        return WorkingDay(d, True, False, "weekday")

    # -- counting ---------------------------------------------------------------------------
    def _counted(self, d: dt.date, pauses, unknown: set[int]) -> bool:
        """Whether the clock counts ``d``: the rules of :meth:`is_working_day` without building its answer (the
        counting loops call this once per calendar day of every clock on a page)."""
        yc = self._years.get(d.year)
        if yc is None:
            unknown.add(d.year)
            works = d.weekday() < 5
        elif d in yc.adjusted_workdays:
            works = True
        elif d in yc.holidays:
            works = False
        else:
            works = d.weekday() < 5
        return works and not (pauses and _in_pause(d, pauses))

    def add_working_days(self, start, n: int, *, pauses=(), as_of=None) -> DueDate:
        """Due date of a period of ``n`` working days starting on ``start``.

        Parameters
        ----------
        start : datetime.date or str
            Day of receipt [date]; not counted (民法典 第二百零一条), even if it is a working day.
        n : int
            Length of the period [working day], >= 0. ``n = 0`` returns ``start``.
        pauses : sequence of Pause or (start, end) tuples
            Inclusive date ranges during which the clock does not run (survey, testing, expert
            review, waiting for the applicant); working days inside them are not counted.
        as_of : datetime.date, optional
            Closes open pauses (``end=None``) at this day.

        Returns
        -------
        DueDate
            The n-th counted working day after ``start``; provisional if any day examined lies in a
            year not loaded.
        """
        start = _as_date(start, "start")
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"n must be an int, not {type(n).__name__}")
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        ps = _normalise_pauses(pauses, None if as_of is None else _as_date(as_of, "as_of"))
        unknown: set[int] = set()
        d = start
        counted = 0
        scanned = 0
        while counted < n:
            d += dt.timedelta(days=1)
            scanned += 1
            if scanned > _MAX_SCAN_DAYS:
                raise ValueError("period does not end within 30 years: check the pauses")
            if self._counted(d, ps, unknown):
                counted += 1
        years = tuple(sorted(unknown))
        return DueDate(d, bool(years), years)

    def working_days_between(self, a, b, *, pauses=(), as_of=None) -> DayCount:
        """Counted working days in ``(a, b]`` [working day]: the elapsed days of a clock started on ``a``.

        ``a`` itself is not counted, ``b`` is. Negative when ``b < a`` (the days in ``(b, a]``).
        Days inside ``pauses`` are not counted.
        """
        a = _as_date(a, "a")
        b = _as_date(b, "b")
        if b < a:
            c = self.working_days_between(b, a, pauses=pauses, as_of=as_of)
            return DayCount(-c.days, c.provisional, c.unknown_years)
        ps = _normalise_pauses(pauses, None if as_of is None else _as_date(as_of, "as_of"))
        unknown: set[int] = set()
        count = 0
        d = a
        while d < b:
            d += dt.timedelta(days=1)
            if self._counted(d, ps, unknown):
                count += 1
        years = tuple(sorted(unknown))
        return DayCount(count, bool(years), years)

    def remaining(self, due, today, *, pauses=(), as_of=None) -> DayCount:
        """Counted working days left from ``today`` to ``due`` [working day], for warnings.

        0 on the due date itself (it is the last day of the period), positive before it,
        negative once overdue (minus the working days elapsed since the due date).
        """
        due_d = due.date if isinstance(due, DueDate) else _as_date(due, "due")
        c = self.working_days_between(today, due_d, pauses=pauses, as_of=as_of)
        if isinstance(due, DueDate) and due.provisional:
            years = tuple(sorted(set(c.unknown_years) | set(due.unknown_years)))
            return DayCount(c.days, True, years)
        return c


def chinese_calendar_years() -> tuple[int, ...]:
    """Years covered by the installed ``chinese_calendar`` package."""
    from chinese_calendar import constants

    return tuple(sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays}))


def calendar_from_chinese_calendar(years: Iterable[int] | None = None) -> WorkdayCalendar:
    """Build a :class:`WorkdayCalendar` from the ``chinese_calendar`` package.

    Parameters
    ----------
    years : iterable of int, optional
        Years to load; all years the package covers when omitted.

    Raises
    ------
    ValueError
        For a year the package does not cover, listing the years it does.
    """
    import chinese_calendar
    from chinese_calendar import constants

    available = chinese_calendar_years()
    wanted = available if years is None else tuple(sorted(set(years)))
    missing = [y for y in wanted if y not in available]
    if missing:
        raise ValueError(
            f"chinese_calendar has no data for {missing}; it covers {available[0]}-{available[-1]}. "
            "Load those years from the State Council notice instead."
        )
    version = getattr(chinese_calendar, "__version__", "")
    source = f"chinese-calendar {version}".strip()
    out = {}
    for y in wanted:
        hol = {d: str(v) for d, v in constants.holidays.items() if d.year == y}
        work = frozenset(d for d in constants.workdays if d.year == y and d.weekday() >= 5)
        out[y] = YearCalendar(
            year=y, holidays=frozenset(hol), adjusted_workdays=work, source=source, names=hol
        )
    return WorkdayCalendar(out)


@dataclass(frozen=True)
class ClockStatus:
    """State of a :class:`Clock` on a given day.

    ``days_left`` [working day] is 0 on the due date, negative when overdue.
    """

    state: str
    due: DueDate
    days_left: int
    elapsed: int
    provisional: bool
    unknown_years: tuple[int, ...]


@dataclass(frozen=True)
class Clock:
    """A statutory clock: received on a day, a limit in working days, pauses and extensions.

    Parameters
    ----------
    received_on : datetime.date
        Day of receipt [date] (not counted).
    limit_days : int
        Legal (or promised) limit [working day].
    pauses : tuple of Pause
        Periods that do not count (survey, testing, expert review, waiting for the applicant).
    extensions : tuple of Extension
        Recorded extensions; each adds its days [working day] to the limit.
    warn_days : int
        ``status`` says ``due_soon`` when at most this many working days are left [working day].
    """

    received_on: dt.date
    limit_days: int
    pauses: tuple[Pause, ...] = ()
    extensions: tuple[Extension, ...] = ()
    warn_days: int = 2

    def __post_init__(self):
        object.__setattr__(self, "received_on", _as_date(self.received_on, "received_on"))
        object.__setattr__(
            self, "pauses", tuple(p if isinstance(p, Pause) else Pause(*p) for p in self.pauses)
        )
        if not isinstance(self.limit_days, int) or isinstance(self.limit_days, bool) or self.limit_days < 0:
            raise ValueError(f"limit_days must be an int >= 0, got {self.limit_days!r}")

    @property
    def total_days(self) -> int:
        """Limit plus extensions [working day]."""
        return self.limit_days + sum(e.days for e in self.extensions)

    def due(self, calendar: WorkdayCalendar, *, as_of=None) -> DueDate:
        """Due date; open pauses are closed at ``as_of`` (required if a pause is open)."""
        return calendar.add_working_days(self.received_on, self.total_days, pauses=self.pauses, as_of=as_of)

    def status(self, calendar: WorkdayCalendar, today) -> ClockStatus:
        """State on ``today``: ``paused`` inside a pause, ``overdue`` after the due date,
        ``due_soon`` when at most ``warn_days`` working days are left, else ``running``."""
        today = _as_date(today, "today")
        due = self.due(calendar, as_of=today)
        ps = _normalise_pauses(self.pauses, today)
        left = calendar.remaining(due, today, pauses=ps)
        elapsed = calendar.working_days_between(self.received_on, min(today, due.date), pauses=ps)
        if _in_pause(today, ps) and today <= due.date:
            state = "paused"
        elif today > due.date:
            state = "overdue"
        elif left.days <= self.warn_days:
            state = "due_soon"
        else:
            state = "running"
        years = tuple(sorted(set(due.unknown_years) | set(left.unknown_years) | set(elapsed.unknown_years)))
        return ClockStatus(state, due, left.days, elapsed.days, bool(years), years)
