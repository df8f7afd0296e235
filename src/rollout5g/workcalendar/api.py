"""JSON API of the working-day calendar, mounted at /api/calendar (public: the holiday arrangement is public)."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from ninja.errors import HttpError

from rollout5g.platform.routes import PUBLIC_API

from .models import CalendarYear
from .services import CalendarError, due_date

router = Router(tags=["Calendar"])


class YearOut(Schema):
    year: int
    source: str
    holidays: list[str]
    adjusted_workdays: list[str]
    names: dict[str, str]


class YearsOut(Schema):
    years: list[YearOut]
    missing: list[int]


class DueOut(Schema):
    received: dt.date
    days: int
    due: dt.date
    provisional: bool
    unknown_years: list[int]


class DueQuery(Schema):
    received: dt.date
    days: int
    pauses: list[str] = []


@router.get("/years", response=YearsOut, summary="Loaded years with their days off and adjusted working days", openapi_extra=PUBLIC_API)
def years(request):
    from .views import missing_years

    return {"years": list(CalendarYear.objects.all()), "missing": missing_years()}


@router.get("/due", response=DueOut,
            summary="Due date of a period of `days` working days from the day of receipt (not counted); "
                    "pauses as start..end, repeatable; provisional if a year is not loaded", openapi_extra=PUBLIC_API)
def due(request, query: Query[DueQuery]):
    if not 0 <= query.days <= 1000:
        raise HttpError(422, "days: between 0 and 1000")
    pauses = []
    for i, text in enumerate(query.pauses, start=1):
        first, sep, last = text.partition("..")
        try:
            a = dt.date.fromisoformat(first.strip())
            b = dt.date.fromisoformat(last.strip()) if sep else a
        except ValueError:
            raise HttpError(422, f"pauses[{i}]: {text!r} is not a range YYYY-MM-DD..YYYY-MM-DD") from None
        if b < a:
            raise HttpError(422, f"pauses[{i}]: ends before it starts")
        pauses.append((a, b))
    try:
        return due_date(query.received, query.days, pauses)
    except (CalendarError, ValueError) as exc:
        raise HttpError(422, str(exc)) from exc
