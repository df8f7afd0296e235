import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rollout5g.platform.access import VIEW, AccessPolicy, RestrictedManager
from rollout5g.platform.roles import PROGRAM_OFFICE_ONLY

from .choices import AuditAction

GENESIS_HASH = "0" * 64
#: Version of the hashed payload of new events. 1 (until migration 0003) left the acting user's id out; 2 covers
#: every field but the region (added later, migration 0004); 3 covers the region too. Each event stores its scheme.
HASH_SCHEME = 3


class AuditChainHead(models.Model):
    """The single row that serialises writers of the audit chain (locked with SELECT ... FOR UPDATE)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self):
        return f"audit chain head #{self.last_seq}"


class AuditEvent(models.Model):
    """One state change: who did what to which object, with the object's fields before and after.

    Events form a hash chain: ``hash = sha256(prev_hash + canonical JSON of this event)`` where the JSON holds every
    stored field but the row id and the hash itself (the acting user's id included), so editing or deleting any
    stored event breaks the chain from that event on (``rollout5g audit verify`` names the first one). Signed
    checkpoints of the chain head outside the database (:mod:`rollout5g.audit.checkpoints`) catch what the chain
    alone cannot: a truncated tail or a chain recomputed after a rewrite.

    ``region`` is the region of the event's object when the event was written (the object's
    ``AccessPolicy.region_path``; empty: the whole deployment). It decides who reads the event (a city's office reads
    its city's events and the deployment-wide ones; the province reads all). Events written since it exists (hash
    scheme 3) hash it with the rest; the events written before were given their object's region afterwards
    (migration 0004) and keep their scheme-2 hash, which does not cover it: the hash of a stored event never changes.
    For those the region is an access index derived from the object (whose type and id are hashed).
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+", db_index=False)
    hash_scheme = models.PositiveSmallIntegerField(default=HASH_SCHEME, editable=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = RestrictedManager()
    # a city's office reads its city's events and the deployment-wide ones (no region); the province reads all
    access_policy = AccessPolicy(all_rows={VIEW: PROGRAM_OFFICE_ONLY}, region_path="region", regionless_shared=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id", "seq"]),
                   models.Index(fields=["region", "seq"], name="audit_event_region_seq")]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        # Append-only: the service creates events; nothing updates one through the ORM.
        if not self._state.adding:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")

    def canonical_payload(self) -> str:
        """The exact text that is hashed: every stored field except the row id and the hash, in the event's own
        scheme (``hash_scheme``, written as ``v``; scheme 2 leaves the region out, see the class docstring). Only
        stored fields go in, so verification needs nothing else."""
        data = {
            "v": self.hash_scheme,
            "seq": self.seq,
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "note": self.note,
        }
        if self.hash_scheme >= 3:
            data["region_id"] = self.region_id
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical_payload()).encode("utf-8")).hexdigest()

