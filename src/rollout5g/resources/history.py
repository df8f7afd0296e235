"""The audit history of a record as sentences a person reads: "张三 将状态由 已提交 改为 已同意".

:func:`rollout5g.audit.presentation.describe_events` gives each event its actor's display name, the declared step's
label and the changed fields with their labels and values as labels; this only puts them into sentences (the state
field first) and writes dates in the reader's form. Nothing here is specific to the open list.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _

from rollout5g.audit.presentation import describe_events
from rollout5g.platform.formats import long_date

EMPTY = "—"
#: Fields that carry a record's state: their change opens the sentence.
STATE_FIELDS = ("status", "state", "availability")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class HistoryLine:
    seq: int
    occurred_at: dt.datetime
    actor: str
    action: str
    sentence: str
    note: str = ""
    changes: list[str] = field(default_factory=list)


def _value(text: str) -> str:
    return long_date(dt.date.fromisoformat(text)) if _ISO_DATE.match(text or "") else text


def change_clause(change: dict) -> str:
    """One changed field: "将状态由 已提交 改为 已同意" ("set …" / "cleared …" when one side is empty)."""
    label, before, after = change["label"], _value(change["before"]), _value(change["after"])
    if before == EMPTY:
        return _("set %(field)s to %(after)s") % {"field": label, "after": after}
    if after == EMPTY:
        return _("cleared %(field)s (was %(before)s)") % {"field": label, "before": before}
    return _("changed %(field)s from %(before)s to %(after)s") % {"field": label, "before": before, "after": after}


def history_lines(obj: models.Model, events=None) -> list[HistoryLine]:
    """The audit events of ``obj`` (oldest first) as :class:`HistoryLine` sentences."""
    from rollout5g.audit.services import history_for

    events = list((history_for(obj) if events is None else events).select_related("actor"))
    model = type(obj)
    state_labels = set()
    for name in STATE_FIELDS:
        try:
            state_labels.add(str(model._meta.get_field(name).verbose_name).lower())
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: the model has no such state field
            continue
    lines = []
    for row in describe_events(events):
        event, actor = row["event"], row["actor"]
        step, note = row["step"], row["remark"]
        if row["created"] or row["deleted"]:
            template = _("%(actor)s created %(object)s") if row["created"] else _("%(actor)s deleted %(object)s")
            sentence, changes = template % {"actor": actor, "object": f"{row['type']} {obj}"}, []
        else:
            ordered = sorted(row["changes"], key=lambda c: str(c["label"]).lower() not in state_labels)
            changes = [change_clause(c) for c in ordered]
            if changes:
                sentence = f"{actor} {changes.pop(0)}"
            else:
                sentence = _("%(actor)s took the step “%(step)s”") % {"actor": actor, "step": step}
        lines.append(HistoryLine(seq=event.seq, occurred_at=event.occurred_at, actor=actor, action=step,
                                 sentence=sentence, note=note if note != step else "", changes=changes))
    return lines
