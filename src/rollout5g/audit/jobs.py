"""Periodic check of the audit history: a signed checkpoint of the chain head at least once a day
(:mod:`rollout5g.audit.checkpoints`), run by every job worker. Several workers may run it: the interval is read from
the checkpoint file, and an extra checkpoint is harmless."""

from __future__ import annotations

import logging

from django.db import connection

from rollout5g.platform.jobs import periodic

log = logging.getLogger("rollout5g.audit.checkpoints")


@periodic("audit.checkpoint", minutes=60)
def daily_checkpoint() -> bool:
    """Write a checkpoint when the newest one is older than ``ROLLOUT5G_AUDIT_CHECKPOINT_HOURS`` (24). Returns
    whether one was written. A broken chain is logged as an error and not anchored."""
    from .checkpoints import CheckpointError, checkpoint_due, write_checkpoint

    if connection.in_atomic_block:
        return False  # inside a caller's transaction (tests): nothing committed to anchor
    if not checkpoint_due():
        return False
    try:
        write_checkpoint(reason="daily")
    except CheckpointError:
        return False  # logged by write_checkpoint
    return True
