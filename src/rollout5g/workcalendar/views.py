"""The working-day calendar pages: the loaded years (source, days off, adjusted working days, a month grid), the
years missing, a due-date tool, and the form with which the programme office adds a year from the notice."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from rollout5g.platform.routes import signed_in

from .models import CalendarYear
from .services import CalendarError, calendar_year_from_notice, due_date, may_load_years, working_calendar


def _may_edit(user) -> bool:
    return may_load_years(user)


#: What the calendar page derives from the loaded years (working days per year, the rendered month grids), kept
#: for the calendar object it was computed from: ``working_calendar()`` returns a new object when a year changes,
#: and then everything here is computed again.
#: (A new dict replaces the old one whole, so threads of one worker never see it half cleared.)
_derived: dict = {"calendar": None, "working_days": {}, "grids": {}}


def _for_calendar(cal) -> dict:
    global _derived
    current = _derived
    if current["calendar"] is not cal:
        current = _derived = {"calendar": cal, "working_days": {}, "grids": {}}
    return current


def _working_days(cal, year: int) -> int:
    cache = _for_calendar(cal)["working_days"]
    days = cache.get(year)
    if days is None:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        days = cache[year] = cal.working_days_between(start - dt.timedelta(days=1), end).days
    return days


def _year_rows(cal):
    rows = []
    for row in CalendarYear.objects.all():
        off_weekdays = sum(1 for d in row.holidays if dt.date.fromisoformat(d).weekday() < 5)
        rows.append({"row": row, "days_off": len(row.holidays), "weekdays_off": off_weekdays,
                     "adjusted": len(row.adjusted_workdays), "working_days": _working_days(cal, row.year)})
    return rows


def _weekdays() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def grid_html(cal, year: int) -> str:
    """The twelve month tables of ``year`` as HTML, rendered once per calendar, year and language (365 cells with
    a reason each cost more than the rest of the page)."""
    grids = _for_calendar(cal)["grids"]
    key = (year, get_language())
    html = grids.get(key)
    if html is None:
        if len(grids) > 64:  # years browsed with ← →: keep the memory bounded
            grids.clear()
        html = grids[key] = mark_safe(render_to_string("workcalendar/_grid.html", {  # noqa: S308 (our own template)
            "grid": month_grid(cal, year), "shown": year, "weekdays": _weekdays()}))
    return html


def missing_years(today: dt.date | None = None) -> list[int]:
    """Years from the first loaded one to next year that are not loaded (deadlines in them are provisional)."""
    today = today or dt.date.today()
    loaded = set(CalendarYear.objects.values_list("year", flat=True))
    first = min(loaded) if loaded else today.year
    return [y for y in range(first, today.year + 2) if y not in loaded]


#: The holidays' names as chinese-calendar gives them (stored with the year), in the reader's language.
HOLIDAY_NAMES = {
    "New Year's Day": gettext_lazy("New Year's Day"), "Spring Festival": gettext_lazy("Spring Festival"),
    "Tomb-sweeping Day": gettext_lazy("Tomb-sweeping Day"), "Labour Day": gettext_lazy("Labour Day"),
    "Dragon Boat Festival": gettext_lazy("Dragon Boat Festival"), "National Day": gettext_lazy("National Day"),
    "Mid-autumn Festival": gettext_lazy("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": gettext_lazy("70th anniversary of the victory over fascism"),
}


def day_reason(year, day: dt.date, wd) -> str:
    """Why a day is worked or off, in the reader's language (the engine's reason is for logs); ``year``: the loaded
    YearCalendar of the day's year, or None."""
    if wd.provisional or year is None:
        return _("%(year)s not loaded: weekday guess") % {"year": day.year}
    if day in year.adjusted_workdays:
        return _("adjusted working day, %(source)s") % {"source": year.source}
    if day in year.holidays:
        name = year.names.get(day, "")
        return _("%(name)s, %(source)s") % {"name": HOLIDAY_NAMES.get(name, name) or _("day off"), "source": year.source}
    return _("weekend") if day.weekday() >= 5 else _("working day")


def month_grid(cal, year: int) -> list[dict]:
    """Twelve months of weeks (Monday first); each day with its class: off, adjusted, weekend, work, guess."""
    months = []
    loaded = cal.is_loaded(year)
    year_calendar = cal.years.get(year)
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            days = []
            for day in week:
                if day.month != month:
                    days.append(None)
                    continue
                wd = cal.is_working_day(day)
                if not loaded:
                    css = "guess-work" if wd.working else "guess-off"
                elif wd.working and day.weekday() >= 5:
                    css = "adjusted"
                elif not wd.working and day.weekday() < 5:
                    css = "off"
                elif not wd.working:
                    css = "weekend"
                else:
                    css = "work"
                days.append({"day": day, "css": css, "reason": day_reason(year_calendar, day, wd)})
            weeks.append(days)
        months.append({"month": month, "weeks": weeks})
    return months


def _parse_pauses(text: str) -> list[tuple[dt.date, dt.date]]:
    pauses = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        first, sep, last = line.strip().replace("~", "..").partition("..")
        try:
            a = dt.date.fromisoformat(first.strip())
            b = dt.date.fromisoformat(last.strip()) if sep else a
        except ValueError:
            raise CalendarError(f"pauses, line {number}: {line.strip()!r} is not a date range "
                                f"(YYYY-MM-DD..YYYY-MM-DD)") from None
        if b < a:
            raise CalendarError(f"pauses, line {number}: ends before it starts")
        pauses.append((a, b))
    return pauses


@signed_in
def index(request):
    cal = working_calendar()
    today = dt.date.today()
    try:
        shown = int(request.GET.get("year") or today.year)
    except ValueError:
        shown = today.year
    context = {"years": _year_rows(cal), "missing": missing_years(today), "shown": shown,
               "grid_html": grid_html(cal, shown), "loaded": cal.is_loaded(shown), "may_edit": _may_edit(request.user),
               "today": today, "params": request.GET}
    if request.GET.get("received"):
        try:
            received = dt.date.fromisoformat(request.GET["received"])
            days = int(request.GET.get("days") or 0)
            if days < 0 or days > 1000:
                raise CalendarError(_("days: give a number of working days between 0 and 1000"))
            context["due"] = due_date(received, days, _parse_pauses(request.GET.get("pauses", "")))
        except ValueError as exc:
            context["due_error"] = "; ".join(getattr(exc, "messages", [str(exc)])) if isinstance(
                exc, CalendarError) else _("received: not a date (YYYY-MM-DD); days: a whole number")
    return render(request, "workcalendar/index.html", context)


@signed_in
def year_edit(request):
    """Add or replace one year from the State Council notice (programme office and administrators)."""
    may_load_years(request.user, refuse=True)
    initial = {"year": request.GET.get("year", dt.date.today().year + 1), "holidays": "", "adjusted": "",
               "source": ""}
    existing = CalendarYear.objects.filter(year=initial["year"]).first() if str(initial["year"]).isdigit() else None
    if existing is not None:
        names = existing.names or {}
        initial.update(holidays="\n".join(f"{d} {names.get(d, '')}".strip() for d in existing.holidays),
                       adjusted="\n".join(existing.adjusted_workdays), source=existing.source)
    error = None
    if request.method == "POST":
        data = request.POST
        initial = {"year": data.get("year", ""), "holidays": data.get("holidays", ""),
                   "adjusted": data.get("adjusted", ""), "source": data.get("source", "")}
        try:
            row = calendar_year_from_notice(request.user, year=data.get("year"), holidays=data.get("holidays", ""),
                                            adjusted_workdays=data.get("adjusted", ""), source=data.get("source", ""))
        except CalendarError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Calendar of %(year)s saved.") % {"year": row.year})
            return redirect(f"{reverse('workcalendar:index')}?year={row.year}")
    return render(request, "workcalendar/year_form.html", {"initial": initial, "error": error,
                                                             "existing": existing}, status=422 if error else 200)
