"""Hash scheme 2: the hashed payload covers every stored field of an event, the acting user's id included.

The chain is first verified with scheme 1 (the hash left ``actor_id`` out), then every hash is computed again with
scheme 2 and the chain head follows. A chain that is already broken is not recomputed — that would launder the
damage: the migration stops and names the first broken event (set ``ROLLOUT5G_AUDIT_REHASH_BROKEN=1`` to recompute
anyway, after investigating; the broken event is written to the log). Both hash functions are frozen here, so a later
change of the model does not change what this migration did.
"""

import hashlib
import json
import logging
import os

from django.db import migrations

GENESIS_HASH = "0" * 64
BATCH = 2000
log = logging.getLogger("rollout5g.audit")


def _payload(event, scheme: int) -> str:
    data = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "note": event.note,
    }
    if scheme == 2:
        data["v"] = 2
        data["actor_id"] = event.actor_id
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _hash(prev_hash: str, event, scheme: int) -> str:
    return hashlib.sha256((prev_hash + _payload(event, scheme)).encode("utf-8")).hexdigest()


def _batches(AuditEvent):
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].seq


def rehash(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    prev, expected = GENESIS_HASH, 1
    for batch in _batches(AuditEvent):
        for event in batch:
            if event.seq != expected or event.prev_hash != prev or _hash(prev, event, 1) != event.hash:
                message = (f"audit chain broken at event #{expected} before the upgrade to hash scheme 2; run "
                           "`rollout5g audit verify` on the previous version and investigate")
                if os.environ.get("ROLLOUT5G_AUDIT_REHASH_BROKEN") != "1":
                    raise RuntimeError(message + " (or set ROLLOUT5G_AUDIT_REHASH_BROKEN=1 to recompute anyway)")
                log.error("%s; recomputing anyway (ROLLOUT5G_AUDIT_REHASH_BROKEN=1)", message)
                prev, expected = None, None
                break
            prev, expected = event.hash, expected + 1
        if expected is None:
            break
    head = AuditChainHead.objects.filter(pk=1).first()
    if expected is not None and head is not None and head.last_seq != expected - 1:
        message = f"audit chain head says #{head.last_seq} but the last stored event is #{expected - 1}"
        if os.environ.get("ROLLOUT5G_AUDIT_REHASH_BROKEN") != "1":
            raise RuntimeError(message + " (set ROLLOUT5G_AUDIT_REHASH_BROKEN=1 to recompute anyway)")
        log.error("%s; recomputing anyway (ROLLOUT5G_AUDIT_REHASH_BROKEN=1)", message)
    _recompute(AuditEvent, AuditChainHead, 2)


def _recompute(AuditEvent, AuditChainHead, scheme: int) -> None:
    prev, last_seq = GENESIS_HASH, 0
    for batch in _batches(AuditEvent):
        for event in batch:
            event.prev_hash = prev
            event.hash = _hash(prev, event, scheme)
            prev, last_seq = event.hash, event.seq
        AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash"])
    if last_seq:
        AuditChainHead.objects.update_or_create(pk=1, defaults={"last_seq": last_seq, "last_hash": prev})


def back_to_scheme_1(apps, schema_editor):
    _recompute(apps.get_model("audit", "AuditEvent"), apps.get_model("audit", "AuditChainHead"), 1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_sign_in_actions")]

    operations = [migrations.RunPython(rehash, back_to_scheme_1, elidable=False)]
