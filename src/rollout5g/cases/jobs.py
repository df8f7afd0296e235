"""Periodic clock check of the cases: a warning before the due date, an escalation after it (idempotent: every
notification has a key naming the case, the kind of message and the due date, so a reminder is sent once per due
date even if several workers run the check)."""

from __future__ import annotations

import datetime as dt

from rollout5g.platform.jobs import periodic

from .choices import OPEN_STATES
from .models import IncidentCase, PowerCase, RelocationCase
from .selectors import case_clock

#: family -> (model, attribute naming the organization whose clock it is)
FAMILIES = {"power": (PowerCase, "handler"), "relocation": (RelocationCase, "operator"),
            "incident": (IncidentCase, "department")}


def check_clocks(today: dt.date | None = None) -> dict[str, int]:
    """Warn the responsible organization when a clock is due soon; after the due date, tell it and the programme
    office that the case is overdue. Returns how many cases were in each state."""
    from rollout5g.notifications.services import notify
    from rollout5g.workcalendar.services import working_calendar

    from .services import case_url, program_office_users

    today = today or dt.date.today()
    calendar = working_calendar()
    counts = {"due_soon": 0, "overdue": 0}
    for family, (model, owner_attr) in FAMILIES.items():
        cases = model.objects.filter(state__in=OPEN_STATES[family]).select_related(owner_attr)
        for case in cases:
            clock = case_clock(case, today, calendar)
            if clock.state not in counts:
                continue
            counts[clock.state] += 1
            owner = getattr(case, owner_attr)
            due = clock.due.isoformat() + (" (provisional)" if clock.provisional else "")
            if clock.state == "due_soon":
                notify(subject=f"{case.number}: due {due}, {clock.days_left} working day(s) left", level="warning",
                       body=str(case), url=case_url(case), organizations=[owner],
                       key=f"cases:{family}:{case.pk}:due_soon:{clock.due.isoformat()}")
            else:
                notify(subject=f"{case.number}: overdue since {due}", level="overdue", body=str(case),
                       url=case_url(case), organizations=[owner], users=program_office_users(),
                       key=f"cases:{family}:{case.pk}:overdue:{clock.due.isoformat()}")
    return counts


@periodic("cases.clock_check", minutes=60)
def clock_check():
    return check_clocks()
