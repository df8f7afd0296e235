"""Periodic checks of the open list, run by the job worker (imported by ``ResourcesConfig.ready``).

Both are idempotent: every notification carries a key, so running them again sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse

from rollout5g.accounts.choices import Role
from rollout5g.platform.jobs import periodic

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
            subject=f"{n} open-list entries not confirmed for {days} days",
            body=f"{owner_name}: please confirm the entries are still valid or update them.", url=url,
            level="warning", key=f"resources.unconfirmed:{owner_id}:{period}",
            organizations=[owner_id], roles=[Role.RESOURCE_OWNER]))
    if counts:
        total = sum(counts.values())
        sent += len(notify(
            subject=f"{total} open-list entries of {len(counts)} owners not confirmed for {days} days",
            url=url, level="warning", key=f"resources.unconfirmed:office:{period}", users=_office_users()))
    return {"owners": len(counts), "entries": sum(counts.values()), "sent": sent}


@periodic("resources.request_deadlines", minutes=60)
def warn_request_deadlines(today: dt.date | None = None) -> int:
    """Warn owners of site requests past their answer date (and the office, which follows up)."""
    from rollout5g.notifications.services import notify

    from .services import _office_users

    today = today or dt.date.today()
    sent = 0
    for request in SiteRequest.objects.filter(status__in=list(OPEN_REQUEST_STATES), due_on__lt=today).select_related(
            "resource"):
        url = reverse("resources:request_detail", args=[request.code])
        sent += len(notify(subject=f"Site request {request.code} is overdue (answer was due {request.due_on})",
                           url=url, level="overdue", key=f"resources.overdue:{request.code}",
                           organizations=[request.owner_id], roles=[Role.RESOURCE_OWNER], users=_office_users()))
    return sent
