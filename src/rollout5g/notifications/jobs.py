"""The one periodic clock check: every clock declared with :func:`rollout5g.platform.clocks.declare` (approvals,
cases, open-list requests, incentive notices) is computed and its warnings (due soon) and escalations (overdue) are
sent. Idempotent: every notification has a key naming the clock, the row, the level and the due date, so a
reminder goes out once per recipient and due date however many workers run the check."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.utils.translation import gettext_noop

from rollout5g.platform.clocks import Due, reminders_due
from rollout5g.platform.jobs import periodic

from .messages import _lazy_id

#: Said after a due date in a year whose holiday arrangement is not loaded yet.
PROVISIONAL = gettext_noop(" (provisional)")


def _message(due: Due) -> dict:
    """The reminder as a message key with parameters (the declared reminder's untranslated text; the due date as a
    date), or its text as the clock rendered it when the declaration's text is not a translatable string."""
    reminder = {"due_soon": due.spec.warn, "overdue": due.spec.overdue}.get(due.state.state)
    marked = _lazy_id(reminder.message) if reminder is not None else None
    if marked is None or marked.get("$c"):
        return {"subject": due.subject}
    params = {"due": due.state.due, "days_left": due.state.days_left,
              "provisional": {"$t": PROVISIONAL} if due.state.provisional else ""}
    params.update(due.spec.params(due.row, due.state))
    return {"message": marked["$t"], "params": params}


def send_clock_reminders(today: dt.date | None = None, names: Iterable[str] | None = None) -> dict[str, int]:
    """Send what the declared clocks (all, or those ``names``) call for on ``today``. Returns the rows due soon,
    the rows overdue and the notifications sent."""
    from .services import notify

    counts: Counter = Counter(due_soon=0, overdue=0, sent=0)
    for due in reminders_due(today, names):
        counts[due.state.state] += 1
        r = due.recipients
        counts["sent"] += len(notify(**_message(due), body=due.body, url=due.url, level=due.level, key=due.key,
                                     users=r.users, organizations=r.organizations, roles=r.roles))
    return dict(counts)


@periodic("clocks.reminders", minutes=60)
def clock_reminders():
    return send_clock_reminders()
