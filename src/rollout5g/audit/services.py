"""Recording and verifying the audit history.

Every service that changes state calls :func:`record_event` inside its own transaction, so the change and its
audit row commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.utils import timezone

from .models import GENESIS_HASH, AuditChainHead, AuditEvent


def _json_value(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict:
    """The object's concrete field values (foreign keys as ids, many-to-many as sorted id lists), JSON-safe."""
    data = {}
    for f in obj._meta.concrete_fields:
        if f.name in exclude or getattr(f, "auto_now", False):
            continue  # an auto-updated timestamp changes on every save: it is the event's own time, not a change
        data[f.attname] = _json_value(getattr(obj, f.attname))
    if obj.pk is not None:
        for f in obj._meta.many_to_many:
            if f.name not in exclude:
                data[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    return data


def changed_fields(before: dict | None, after: dict | None) -> list[str]:
    """The keys whose values differ, sorted."""
    before, after = before or {}, after or {}
    return [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]


def _actor_label(actor, system_label: str) -> str:
    if actor is None:
        return system_label
    return f"{actor.get_username()}"


_DERIVED = object()


def region_of(obj: models.Model) -> str | None:
    """Adcode of the region ``obj`` belongs to, through its model's ``AccessPolicy.region_path`` (to-one steps are
    read from the object, a to-many step with one query); None for a record of the whole deployment or one whose
    rows lie in several regions."""
    policy = getattr(type(obj), "access_policy", None)
    path = getattr(policy, "region_path", None)
    if not path:
        return None
    names, target = path.split("__"), obj
    try:
        for i, name in enumerate(names):
            field = target._meta.get_field(name)
            if field.many_to_many or field.one_to_many:
                if target.pk is None:
                    return None
                codes = set(type(target)._base_manager.filter(pk=target.pk)
                            .values_list("__".join(names[i:]), flat=True)) - {None}
                return codes.pop() if len(codes) == 1 else None
            if i == len(names) - 1:
                return getattr(target, field.attname)
            target = getattr(target, name)
            if target is None:
                return None
    except (ObjectDoesNotExist, AttributeError):
        return None
    return None


def _region_by_reference(object_type: str, object_id) -> str | None:
    """The region of the object named by type and id (an event recorded without the object at hand)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    path = getattr(getattr(model, "access_policy", None), "region_path", None)
    if not path:
        return None
    try:
        codes = set(model._base_manager.filter(pk=object_id).values_list(path, flat=True)) - {None}
    except (ValueError, TypeError):
        return None
    return codes.pop() if len(codes) == 1 else None


def record_event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    system_label: str = "system",
    region=_DERIVED,
) -> AuditEvent:
    """Append one event to the chain. Call it inside the transaction that makes the change.

    ``region`` (a Region, an adcode, or None for the whole deployment) defaults to the region of the object
    (:func:`region_of`); it decides which cities' offices read the event."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    if not object_type or object_id is None:
        raise ValueError("record_event needs obj, or object_type and object_id")
    if region is _DERIVED:
        region = region_of(obj) if obj is not None else _region_by_reference(object_type, object_id)
    region = getattr(region, "pk", region)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            occurred_at=timezone.now(),
            actor=actor if actor is not None and getattr(actor, "pk", None) else None,
            actor_label=_actor_label(actor, system_label)[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=(object_repr or "")[:300],
            before=_json_value(before) if before is not None else None,
            after=_json_value(after) if after is not None else None,
            note=note,
            region_id=region or None,
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_seq, head.last_hash = event.seq, event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


def record_changes(*, actor, obj: models.Model, before: dict, after: dict | None = None, action: str = "update",
                   exclude: tuple[str, ...] = (), summarize: tuple[str, ...] = (), note: str = "",
                   system_label: str = "system") -> AuditEvent | None:
    """Record the fields of ``obj`` that changed since the ``before`` snapshot (``after`` defaults to a snapshot
    now). Only changed fields go into the event; fields in ``summarize`` (boundaries and other large values) are
    logged as ``"<changed>"``. Returns None, recording nothing, when nothing changed."""
    after = snapshot(obj, exclude=exclude) if after is None else after
    keys = changed_fields(before, after)
    if not keys:
        return None

    def shown(data):
        return {k: "<changed>" if k in summarize else data.get(k) for k in keys}

    return record_event(actor=actor, action=action, obj=obj, before=shown(before), after=shown(after), note=note,
                        system_label=system_label)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events_checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    checkpoints_checked: int = 0
    problems: tuple[str, ...] = ()


def _walk_chain() -> tuple[int, list[tuple[int, str]]]:
    """Walk the chain from the first event: (events read, [(seq, problem)] — the first problem only)."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if event.seq != expected_seq:
            return count, [(expected_seq, f"event #{expected_seq} is missing (next stored is #{event.seq})")]
        if event.prev_hash != prev_hash:
            return count, [(event.seq, f"event #{event.seq} does not link to the event before it")]
        if event.compute_hash() != event.hash:
            return count, [(event.seq, f"event #{event.seq} was altered after it was recorded "
                                                  "(a field, the actor included, no longer matches its hash)")]
        prev_hash, expected_seq = event.hash, expected_seq + 1
    last_seq = expected_seq - 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != last_seq:
        return count, [(expected_seq, f"events after #{last_seq} are missing (head says #{head.last_seq})")]
    return count, []


def verify_chain(*, checkpoints: bool = True) -> ChainCheck:
    """Walk the chain from the first event and report the first event whose hash, link or sequence is wrong; then
    (``checkpoints``) compare the chain with the signed checkpoints outside the database, which reveal a truncated
    tail and a chain recomputed after a rewrite (:mod:`rollout5g.audit.checkpoints`)."""
    count, problems = _walk_chain()
    checked = 0
    if checkpoints:
        from .checkpoints import check_against_checkpoints

        stored_last = AuditEvent.objects.aggregate(last=models.Max("seq"))["last"] or 0
        checked, more = check_against_checkpoints(last_seq=stored_last)
        problems += more
    if not problems:
        return ChainCheck(True, count, checkpoints_checked=checked)
    seq, reason = problems[0]
    return ChainCheck(False, count, seq or None, reason, checked, tuple(message for _, message in problems))


def history_for(obj: models.Model):
    """The audit events of one object, oldest first (for history tabs and timelines)."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("seq")
