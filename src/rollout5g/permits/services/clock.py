"""Clock pauses, extensions and the periodic clock check."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from rollout5g.audit.choices import AuditAction
from rollout5g.audit.services import snapshot
from rollout5g.platform.formats import long_date
from rollout5g.platform.workflow import authorize

from ..choices import (
    PauseKind,
)
from ..models import (
    Application,
    ApprovalItem,
    ClockExtension,
    ClockPause,
)
from .application import deem_accepted_lapsed
from .common import (
    ApprovalError,
    _event,
    _lock,
    _person,
    _today,
)


# ---------------------------------------------------------------------------------------------------- clocks
def pause_start(*, actor, application: Application, kind: str, start: dt.date, reason: str,
                item: ApprovalItem | None = None) -> ClockPause:
    """Stop the clock of one item (its department or the office) or of the whole application (the office)."""
    with transaction.atomic():
        app = _lock(application)
        # the whole application: the office; one item: its department or the office; while under review
        authorize(actor, "pause", app if item is None else item)
        if kind not in PauseKind.values:
            raise ApprovalError(_("%(kind)s is not a kind of pause; valid: %(valid)s") % {
                "kind": kind, "valid": "、".join(str(label) for label in PauseKind.labels)})
        if not reason.strip():
            raise ApprovalError(_("Give the reason."))
        if app.pauses.filter(item=item, end__isnull=True).exists():
            raise ApprovalError(_("That clock is already paused."))
        pause = ClockPause.objects.create(application=app, item=item, kind=kind, start=start, reason=reason.strip(),
                                          created_by=_person(actor))
        _event(actor, pause, AuditAction.CREATE, after=snapshot(pause), note=_("clock paused"))
    return pause


def pause_end(*, actor, pause: ClockPause, end: dt.date) -> ClockPause:
    """End a pause: of the whole application, the office; of one item, its department or the office."""
    with transaction.atomic():
        locked = ClockPause.objects.select_for_update().get(pk=pause.pk)
        authorize(actor, "resume", locked)  # a running pause
        if end < locked.start:
            raise ApprovalError(_("The end %(end)s is before the start (%(start)s).") % {
                "end": long_date(end), "start": long_date(locked.start)})
        pause.end = end
        pause.save(update_fields=["end"])
        _event(actor, pause, AuditAction.UPDATE, before={"end": None}, after={"end": end}, note=_("clock resumed"))
    return pause


def extension_grant(*, actor, application: Application, days: int, reason: str, item: ApprovalItem | None = None,
                    on: dt.date | None = None) -> ClockExtension:
    """Extend a clock by working days (行政许可法 第四十二条: with the approval of the head of the office);
    the approver is the actor, the reason is required."""
    with transaction.atomic():
        app = _lock(application)
        authorize(actor, "extend", app)  # the office, under review
        if not isinstance(days, int) or not 1 <= days <= 30:
            raise ApprovalError(_("%(days)s: give a whole number of working days between 1 and 30.") % {"days": days})
        if not reason.strip():
            raise ApprovalError(_("Give the reason."))
        ext = ClockExtension.objects.create(application=app, item=item, days=days, reason=reason.strip()[:300],
                                            approved_by=_person(actor),
                                            approved_on=_today(on))
        _event(actor, ext, AuditAction.CREATE, after=snapshot(ext), note=_("clock extended"))
    return ext


# ---------------------------------------------------------------------------------------------------- reminders
def clock_check(today: dt.date | None = None) -> dict:
    """Deemed acceptance, then the warnings before an item's deadline and the escalation after it — sent by the one
    clock mechanism from the item clocks declared in :mod:`rollout5g.permits.selectors` (idempotent: the
    notification keys name the item, the limit and the due date)."""
    from rollout5g.notifications.jobs import send_clock_reminders

    from ..selectors import ITEM_CLOCKS

    today = _today(today)
    accepted = deem_accepted_lapsed(today)
    sent = send_clock_reminders(today, names=[spec.name for spec in ITEM_CLOCKS.values()])
    return {"deemed_accepted": len(accepted), "warnings": sent["due_soon"], "escalations": sent["overdue"]}
