"""Periodic clock check of the approval service: deemed acceptance after the completeness window, warnings before a
deadline, escalation after it (idempotent through notification keys)."""

from rollout5g.platform.jobs import periodic


@periodic("permits.clock_check", minutes=60)
def clock_check():
    from .services import clock_check as run

    return run()
