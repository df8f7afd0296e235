"""The clocks of the cases are declared in :mod:`rollout5g.cases.selectors` (``cases.power``, ``cases.relocation``,
``cases.incident``) and checked by the one periodic clock check (``rollout5g.notifications.jobs``): a warning to the
responsible organization before the due date, an escalation to it and the programme office after it, once per due
date. :func:`check_clocks` runs the check for the cases alone (``rollout5g cases check-clocks``)."""

from __future__ import annotations

import datetime as dt

from rollout5g.notifications.jobs import send_clock_reminders

from .selectors import CLOCKS


def check_clocks(today: dt.date | None = None) -> dict[str, int]:
    """Send the warnings and escalations of the case clocks; returns how many cases were due soon and overdue and
    how many notifications went out."""
    return send_clock_reminders(today, names=[spec.name for spec in CLOCKS.values()])
