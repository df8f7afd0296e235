"""Task filters shared by the task list page and the API, so both always agree."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from .choices import TaskStatus, UnitRole

TASK_FILTER_KEYS = ("document", "unit", "role", "status", "deadline_before", "deadline_after", "has_deadline", "q",
                    "tag", "overdue")


class FilterError(ValueError):
    pass


def _date(name, value):
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise FilterError(f"{name}: '{value}' is not a date (YYYY-MM-DD)") from exc


def filter_tasks(queryset, params, *, today: dt.date | None = None):
    """Apply task filters from a mapping of strings (query parameters). Unknown values raise FilterError."""
    today = today or dt.date.today()
    get = lambda k: (params.get(k) or "").strip()  # noqa: E731
    if get("document"):
        queryset = queryset.filter(document__key=get("document"))
    if get("unit"):
        # an organization code, or a group term; a member of an expanded group matches through its organization
        unit = get("unit")
        unit_q = Q(units__organization__code=unit) | Q(units__group__term=unit)
        if get("role"):
            if get("role") not in UnitRole.values:
                raise FilterError(f"role: '{get('role')}' is not one of {', '.join(UnitRole.values)}")
            unit_q &= Q(units__role=get("role"))
        queryset = queryset.filter(unit_q).distinct()
    if get("status"):
        if get("status") not in TaskStatus.values:
            raise FilterError(f"status: '{get('status')}' is not one of {', '.join(TaskStatus.values)}")
        queryset = queryset.filter(status=get("status"))
    if get("deadline_before"):
        queryset = queryset.filter(deadline__lte=_date("deadline_before", get("deadline_before")))
    if get("deadline_after"):
        queryset = queryset.filter(deadline__gte=_date("deadline_after", get("deadline_after")))
    if get("has_deadline") in ("1", "true", "yes"):
        queryset = queryset.filter(deadline__isnull=False)
    if get("overdue") in ("1", "true", "yes"):
        queryset = queryset.filter(deadline__lt=today).exclude(status=TaskStatus.CLOSED)
    if get("tag"):
        # JSON containment is not portable to SQLite; tags are short lists, so match the quoted string
        queryset = queryset.filter(tags__icontains=f'"{get("tag")}"')
    if get("q"):
        queryset = queryset.filter(Q(title__icontains=get("q")) | Q(text__icontains=get("q")) | Q(number=get("q")))
    return queryset
