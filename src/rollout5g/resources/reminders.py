"""Periodic checks of the open list (imported by ``ResourcesConfig.ready``): the reminder of unconfirmed entries,
and the answer clock of the site requests, declared once (checked by the platform's one clock check).

Both are idempotent: every notification carries a key, so running them again sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from rollout5g.accounts.choices import Role
from rollout5g.core.workdays import Clock
from rollout5g.platform.clocks import ClockSpec, Recipients, Reminder, declare
from rollout5g.platform.jobs import periodic
from rollout5g.workcalendar.services import working_calendar

from .choices import OPEN_REQUEST_STATES
from .models import PublicResource, SiteRequest


@periodic("resources.unconfirmed", minutes=60 * 24)
def remind_unconfirmed(today: dt.date | None = None) -> dict[str, int]:
    """Remind owners, and the programme office, of entries not confirmed for the set period (Zhejiang task 7:
    the list is "regularly updated"). One message per owner and period: the key holds the period's index, so
    the reminder repeats once every period while the entries stay unconfirmed."""
    from rollout5g.notifications.services import notify

    from .services import _office_users, confirm_days

    today = today or dt.date.today()
    days = confirm_days()
    cutoff = today - dt.timedelta(days=days)
    period = today.toordinal() // days
    stale = (PublicResource.objects.filter(withdrawn=False)
             .filter(Q(last_confirmed_on__lt=cutoff) | Q(last_confirmed_on__isnull=True))
             .values_list("owner_id", "owner__name"))
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for owner_id, owner_name in stale:
        counts[(owner_id, owner_name)] += 1
    url = reverse("resources:manage") + "?unconfirmed=1"
    sent = 0
    for (owner_id, owner_name), n in sorted(counts.items()):
        sent += len(notify(
            message=gettext_noop("%(n)s open-list entries not confirmed for %(days)s days"),
            params={"n": n, "days": days},
            body_message=gettext_noop("%(owner)s: please confirm the entries are still valid or update them."),
            body_params={"owner": owner_name}, url=url,
            level="warning", key=f"resources.unconfirmed:{owner_id}:{period}",
            organizations=[owner_id], roles=[Role.RESOURCE_OWNER]))
    if counts:
        total = sum(counts.values())
        sent += len(notify(
            message=gettext_noop("%(n)s open-list entries of %(owners)s owners not confirmed for %(days)s days"),
            params={"n": total, "owners": len(counts), "days": days},
            url=url, level="warning", key=f"resources.unconfirmed:office:{period}", users=_office_users()))
    return {"owners": len(counts), "entries": sum(counts.values()), "sent": sent}


def _office_users():
    from .services import _office_users

    return _office_users()


#: The answer clock of a site request (working days from receipt; Jiaxing 二(一)4): a warning to the owner one
#: working day before the answer is due, an escalation to the owner and the programme office after it. Checked by
#: the one periodic clock check (``rollout5g.notifications.jobs``).
REQUEST_CLOCK = declare(ClockSpec(
    "resources.request",
    rows=lambda: SiteRequest.objects.filter(status__in=list(OPEN_REQUEST_STATES)).select_related("resource"),
    clock=lambda request: Clock(received_on=request.received_on, limit_days=request.answer_limit_days, warn_days=1),
    calendar=working_calendar,
    is_open=lambda request: request.is_open,
    warn=Reminder(_("Site request %(code)s: answer due %(due)s%(provisional)s"),
                  to=lambda request: Recipients(organizations=[request.owner_id], roles=[Role.RESOURCE_OWNER])),
    overdue=Reminder(_("Site request %(code)s is overdue (answer was due %(due)s)"),
                     to=lambda request: Recipients(organizations=[request.owner_id], roles=[Role.RESOURCE_OWNER],
                                                   users=_office_users())),
    params=lambda request, state: {"code": request.code},
    url=lambda request: reverse("resources:request_detail", args=[request.code]),
    key=lambda request, level, state: (f"resources.overdue:{request.code}" if level == "overdue"
                                       else f"resources.due_soon:{request.code}:{state.due.isoformat()}"),
))


def warn_request_deadlines(today: dt.date | None = None) -> int:
    """Warn owners of site requests due soon, and escalate those past their answer date (to the office too);
    returns the notifications sent."""
    from rollout5g.notifications.jobs import send_clock_reminders

    return send_clock_reminders(today, names=[REQUEST_CLOCK.name])["sent"]
