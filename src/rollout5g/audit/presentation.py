"""The audit rows as a person reads them, for the audit page and the history tables of the record pages.

The audit rows keep what was stored (field names, ids, codes, the declared step's name in the note); this gives each
row the actor's display name, the step's label, the object type's name and the changed fields with their labels and
values as labels (choices by label, related rows by name, yes/no, structured values summarised).
"""

from __future__ import annotations

import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import AuditEvent
from .services import changed_fields

#: Fields whose values are never shown (secrets, hashes).
HIDDEN_FIELDS = {"password", "secret", "key_hash", "token_hash", "hash", "prev_hash"}
#: At most this many changed fields per event on the page (the API holds them all).
MAX_FIELDS = 8


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, key: str):
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if f.attname == key or f.name == key:
            return f
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def actor_name(event: AuditEvent) -> str:
    """Who acted, as a person reads it: the user's display name, or the process for a system event."""
    if event.actor is not None:
        return str(event.actor)
    if event.actor_label == "anonymous":
        return _("Anonymous visitor")
    if event.actor_label == "cli":
        return _("Command line")
    return _("System")


def describe_events(events: list[AuditEvent]) -> list[dict]:
    """Each event with its object type's name and its changes as (field label, before, after) in the reader's
    language: choices as their labels, related rows by name, yes/no, structured values summarised — never the
    stored codes."""
    related: dict[type, set] = {}
    plans = []
    for event in events:
        model = _model(event.object_type)
        keys = [k for k in changed_fields(event.before, event.after) if k not in HIDDEN_FIELDS]
        if event.before is None or event.after is None:  # created or deleted: the fields that hold something
            keys = [k for k in keys if (event.before or event.after or {}).get(k) not in (None, "", [], {})]
        fields = [(key, f) for key in keys if _shown(f := _field(model, key), event, key)]
        more = len(fields) > MAX_FIELDS
        fields = fields[:MAX_FIELDS]
        for key, field in fields:
            if field is not None and field.is_relation and field.related_model is not None:
                for value in ((event.before or {}).get(key), (event.after or {}).get(key)):
                    values = value if isinstance(value, list) else [value]
                    related.setdefault(field.related_model, set()).update(v for v in values if v is not None)
        plans.append((event, model, fields, more))
    names = {}
    for model, pks in related.items():
        try:
            rows = _named_rows(model).in_bulk([pk for pk in pks if isinstance(pk, (int, str))])
        except (ValueError, TypeError):
            rows = {}
        names[model] = {str(pk): str(row) for pk, row in rows.items()}

    def show(field, value):
        if value is None or value == "" or value == []:
            return "—"
        if field is None:
            return _summary(value)
        if field.is_relation and field.related_model is not None:
            values = value if isinstance(value, list) else [value]
            shown = [names.get(field.related_model, {}).get(str(v), f"#{v}") for v in values]
            return "、".join(shown[:5]) + ("…" if len(shown) > 5 else "")
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField) or isinstance(value, bool):
            return _("yes") if value else _("no")
        return _summary(value)

    rows = []
    for event, model, fields, more in plans:
        changes = []
        for key, field in fields:
            label = capfirst(str(field.verbose_name)) if field is not None and hasattr(field, "verbose_name") else key
            changes.append({"label": label, "before": show(field, (event.before or {}).get(key)),
                            "after": show(field, (event.after or {}).get(key))})
        step, remark = _step(model, event)
        rows.append({"event": event, "actor": actor_name(event), "step": step, "remark": remark,
                     "type": capfirst(str(model._meta.verbose_name)) if model is not None else event.object_type,
                     "changes": changes, "more": more, "created": event.before is None and event.after is not None,
                     "deleted": event.after is None and event.before is not None})
    return rows


def _named_rows(model):
    """The rows of ``model`` ready to be named (``str(row)``) without a query per row: the rows they point to are
    joined (a city task is named by its task's number and its region's name), and the structured values of both
    (boundaries, parameters: megabytes for a region) are not read."""
    links = [f for f in model._meta.concrete_fields
             if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is not None]
    heavy = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
    for link in links:
        heavy += [f"{link.name}__{f.name}" for f in link.related_model._meta.concrete_fields
                  if isinstance(f, models.JSONField)]
    return model._base_manager.select_related(*[f.name for f in links]).defer(*heavy)


CODE = re.compile(r"[a-z][a-z0-9_]*")


def _shown(field, event: AuditEvent, key: str) -> bool:
    """Whether a changed key is shown to a person: a field of the model with a translated name (internal fields such
    as a sort order have none), whose values are not internal codes (a plain text field holding ``inline``)."""
    if field is None or not isinstance(getattr(field, "verbose_name", None), Promise):
        return False
    if getattr(field, "choices", None) or field.is_relation:
        return True
    if isinstance(field, (models.CharField, models.SlugField)) and not isinstance(field, models.EmailField):
        values = [(event.before or {}).get(key), (event.after or {}).get(key)]
        return not any(isinstance(v, str) and CODE.fullmatch(v) for v in values)
    return True


def _summary(value) -> str:
    if isinstance(value, dict):
        return _("%(n)s entries") % {"n": len(value)}
    if isinstance(value, list):
        return _("%(n)s items") % {"n": len(value)}
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _step(model, event: AuditEvent) -> tuple[str, str]:
    """(the declared step's label or the action's, the note without the step's name)."""
    declared = getattr(getattr(model, "access_policy", None), "actions", None) or {}
    name, _sep, remark = (event.note or "").partition(": ")
    action = declared.get(name)
    if action is not None:
        return str(action.label), _translated(remark)
    return event.get_action_display(), _translated(event.note)


def _translated(note: str) -> str:
    """A note a process wrote in English (marked with gettext_noop where it is written) in the reader's language;
    a note a person typed stays as typed."""
    return _(note) if note else note


def timeline(events, obj=None) -> list[AuditEvent]:
    """The events of a record's history table, each given ``who`` (the actor's name), ``step`` (the declared step's
    label, or the action's) and ``remark`` (the note without the step's name)."""
    events = list(events.select_related("actor")) if hasattr(events, "select_related") else list(events)
    model = type(obj) if obj is not None else None
    for event in events:
        event.who = actor_name(event)
        event.step, event.remark = _step(model, event)
    return events
