"""Periodic check of the approval service: deemed acceptance after the completeness window. The warnings before an
item's deadline and the escalations after it come from the item clocks declared in :mod:`.selectors`
(``permits.item.legal``, ``permits.item.promised``), sent by the platform's one clock check
(``rollout5g.notifications.jobs``)."""

from rollout5g.platform.jobs import periodic

from . import selectors  # noqa: F401  (declares the item clocks)


@periodic("permits.deemed_acceptance", minutes=60)
def deemed_acceptance():
    from .services import deem_accepted_lapsed

    return {"deemed_accepted": len(deem_accepted_lapsed())}
