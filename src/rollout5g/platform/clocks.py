"""Every working-day clock of the platform, declared once: approvals, cases, open-list requests, incentive notices.

An app declares each of its clocks with :func:`declare` (in its ``selectors.py`` or ``jobs.py``, imported at start-up):

    REQUEST_CLOCK = declare(ClockSpec(
        "resources.request",
        rows=lambda: SiteRequest.objects.filter(status__in=OPEN_REQUEST_STATES),   # rows whose clock runs
        clock=lambda r: Clock(received_on=r.received_on, limit_days=r.answer_limit_days, warn_days=1),
        calendar=working_calendar,                                               # the database calendar
        is_open=lambda r: r.is_open,                                             # else the clock is stopped
        overdue=Reminder(_("Site request %(code)s is overdue (answer was due %(due)s)"),
                         to=lambda r: Recipients(organizations=[r.owner_id], roles=[Role.RESOURCE_OWNER])),
        params=lambda r, s: {"code": r.code},
        url=lambda r: reverse("resources:request_detail", args=[r.code]),
    ))

Pages and the API read a row's state with :func:`clock_state` (``running`` / ``paused`` / ``due_soon`` /
``overdue`` / ``stopped``, the due date, working days left and elapsed, provisional when a year is not loaded). The
core :class:`~rollout5g.core.workdays.Clock` stays the engine; a clock may also be an :class:`AgreedDate` (a
calendar date agreed with the parties). The one periodic check (``rollout5g.notifications.jobs``) walks every declared clock and
sends the warnings (``due_soon``) and escalations (``overdue``) through :func:`notify`, idempotent by the key
(by default ``<name>:<pk>:<due_soon|overdue>:<due date>``: once per recipient and due date).

The calendar comes from the declaration and the sending from the caller, so this module sits below both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from rollout5g.core.workdays import Clock, DueDate, WorkdayCalendar

__all__ = ["AgreedDate", "ClockSpec", "ClockState", "Recipients", "Reminder", "declare", "declared", "clock_state",
           "clock_states", "spec", "reminders_due", "STATES"]

#: Every state a clock shows.
STATES = ("running", "paused", "due_soon", "overdue", "stopped")


@dataclass(frozen=True)
class ClockState:
    """A row's clock on a day. ``due`` is the due date, ``days_left`` the working days to it (0 on the due day,
    negative once overdue; None when stopped), ``elapsed`` the working days counted since the start (None for an
    agreed date), ``provisional`` when a year of the period is not in the calendar (``unknown_years``)."""

    state: str
    due: dt.date
    provisional: bool
    unknown_years: tuple[int, ...]
    days_left: int | None
    elapsed: int | None = None
    due_date: DueDate | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class AgreedDate:
    """A clock that is an agreed calendar date, not a count of working days (e.g. a relocation's rebuild date):
    ``due_soon`` when at most ``warn_days`` working days are left."""

    date: dt.date
    warn_days: int = 0


@dataclass(frozen=True)
class Recipients:
    """Who a reminder goes to: named users, the users of organizations (limited to ``roles`` when given)."""

    users: Iterable = ()
    organizations: Iterable = ()
    roles: Iterable | None = None


@dataclass(frozen=True)
class Reminder:
    """One message of a clock: its text (a gettext-lazy string with ``%(name)s`` params; ``due``, ``days_left``
    and ``provisional`` are always given, the rest by the spec's ``params``) and who receives it."""

    message: Any
    to: Callable[[Any], Recipients]
    level: str = ""


@dataclass(frozen=True)
class ClockSpec:
    """One clock of an app.

    name: stable identifier (``app.what``); the default notification key starts with it.
    rows: the rows whose clock runs (the periodic check walks them).
    clock: the core Clock of a row (or an AgreedDate; None when it has not started).
    calendar: the working-day calendar (``rollout5g.workcalendar.services.working_calendar``).
    is_open: False when the row's clock is stopped (decided, closed): its state is ``stopped``.
    warn / overdue: the reminder sent when ``due_soon`` / after the due date (None: none).
    params: extra message parameters of a row; url, body: the notification's link and text.
    key: the notification key of (row, "due_soon" | "overdue", state); one message per recipient and key.
    """

    name: str
    rows: Callable[[], Iterable]
    clock: Callable[[Any], Clock | AgreedDate | None]
    calendar: Callable[[], WorkdayCalendar]
    is_open: Callable[[Any], bool] = lambda row: True
    warn: Reminder | None = None
    overdue: Reminder | None = None
    params: Callable[[Any, ClockState], dict] = lambda row, state: {}
    url: Callable[[Any], str] = lambda row: ""
    body: Callable[[Any, ClockState], str] = lambda row, state: ""
    key: Callable[[Any, str, ClockState], str] | None = None

    def key_of(self, row, level: str, state: ClockState) -> str:
        if self.key is not None:
            return self.key(row, level, state)
        return f"{self.name}:{row.pk}:{level}:{state.due.isoformat()}"


_SPECS: dict[str, ClockSpec] = {}


def declare(clock_spec: ClockSpec) -> ClockSpec:
    """Register a clock (once per name; declaring the same name again replaces it, as a module reload does)."""
    _SPECS[clock_spec.name] = clock_spec
    return clock_spec


def declared() -> dict[str, ClockSpec]:
    return dict(_SPECS)


def spec(name: str) -> ClockSpec:
    try:
        return _SPECS[name]
    except KeyError:
        raise LookupError(f"no clock {name!r}; declared: {', '.join(sorted(_SPECS))}") from None


def _today(today) -> dt.date:
    return today or dt.date.today()


def clock_state(clock_spec: ClockSpec | str, row, today: dt.date | None = None,
                calendar: WorkdayCalendar | None = None) -> ClockState | None:
    """The state of ``row``'s clock on ``today`` (None when the clock has not started)."""
    s = spec(clock_spec) if isinstance(clock_spec, str) else clock_spec
    clock = s.clock(row)
    if clock is None:
        return None
    today = _today(today)
    calendar = calendar or s.calendar()
    if isinstance(clock, AgreedDate):
        due = DueDate(clock.date)
        if not s.is_open(row):
            return ClockState("stopped", due.date, due.provisional, due.unknown_years, None, None, due)
        left = calendar.remaining(due, today)
        if today > due.date:
            state = "overdue"
        elif left.days <= clock.warn_days:
            state = "due_soon"
        else:
            state = "running"
        return ClockState(state, due.date, left.provisional, left.unknown_years, left.days, None, due)
    if not s.is_open(row):
        due = clock.due(calendar, as_of=today)
        return ClockState("stopped", due.date, due.provisional, due.unknown_years, None, None, due)
    status = clock.status(calendar, today)
    return ClockState(status.state, status.due.date, status.provisional, status.unknown_years, status.days_left,
                      status.elapsed, status.due)


def clock_states(clock_spec: ClockSpec | str, rows: Iterable, today: dt.date | None = None) -> list[tuple]:
    """``[(row, ClockState)]`` for a list page (one calendar read)."""
    s = spec(clock_spec) if isinstance(clock_spec, str) else clock_spec
    calendar = s.calendar()
    return [(row, clock_state(s, row, today, calendar)) for row in rows]


@dataclass(frozen=True)
class Due:
    """One reminder to send: the clock, the row, its state, the level, the key, subject and recipients."""

    spec: ClockSpec
    row: Any
    state: ClockState
    level: str
    key: str
    subject: str
    body: str
    url: str
    recipients: Recipients


def _render(reminder: Reminder, clock_spec: ClockSpec, row, state: ClockState) -> str:
    params = {"due": state.due.isoformat(), "days_left": state.days_left,
              "provisional": _(" (provisional)") if state.provisional else ""}
    params.update(clock_spec.params(row, state))
    return str(reminder.message) % params


def reminders_due(today: dt.date | None = None, names: Iterable[str] | None = None) -> list[Due]:
    """Every warning and escalation the declared clocks call for on ``today`` (what the periodic check sends)."""
    today = _today(today)
    wanted = set(names) if names is not None else None
    out = []
    for name, s in sorted(_SPECS.items()):
        if wanted is not None and name not in wanted:
            continue
        if s.warn is None and s.overdue is None:
            continue
        calendar = s.calendar()
        for row in s.rows():
            state = clock_state(s, row, today, calendar)
            if state is None:
                continue
            reminder = {"due_soon": s.warn, "overdue": s.overdue}.get(state.state)
            if reminder is None:
                continue
            level = reminder.level or ("warning" if state.state == "due_soon" else "overdue")
            out.append(Due(s, row, state, level, s.key_of(row, state.state, state), _render(reminder, s, row, state),
                           s.body(row, state), s.url(row), reminder.to(row)))
    return out
